import { abortableDelay, Backoff } from './backoff';

describe(Backoff.name, () => {
  it('should double the ceiling per attempt up to the max, jitter in [ceiling/2, ceiling], and reset', () => {
    const low = new Backoff(100, 1000, () => 0);
    const high = new Backoff(100, 1000, () => 0.999_999);

    expect([1, 2, 3, 4, 5].map(() => low.nextDelayMs())).toEqual([50, 100, 200, 400, 500]);
    expect(Math.round(high.nextDelayMs())).toBe(100);
    low.reset();
    expect(low.nextDelayMs()).toBe(50);
  });

  it('should end a delay as soon as the signal aborts', async () => {
    const stop = new AbortController();
    const delay = abortableDelay(60_000, stop.signal);
    stop.abort();

    await expect(delay).resolves.toBeUndefined();
    await expect(abortableDelay(60_000, stop.signal)).resolves.toBeUndefined();
  });
});
