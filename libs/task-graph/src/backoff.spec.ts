import { backoffDelayMs } from './backoff';

describe(backoffDelayMs.name, () => {
  const opts = { baseMs: 100, capMs: 1000 };

  it('should grow exponentially with equal jitter in [d/2, d]', () => {
    expect(backoffDelayMs(1, opts, () => 0)).toBe(50);
    expect(backoffDelayMs(1, opts, () => 0.999999)).toBe(100);
    expect(backoffDelayMs(2, opts, () => 0)).toBe(100);
    expect(backoffDelayMs(3, opts, () => 0.5)).toBe(300);
  });

  it('should cap the delay', () => {
    expect(backoffDelayMs(10, opts, () => 0.999999)).toBe(1000);
    expect(backoffDelayMs(1000, opts, () => 0)).toBe(500);
  });
});
