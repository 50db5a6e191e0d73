import { InProcessSideEffectSink } from './side-effect-sink';

describe(InProcessSideEffectSink.name, () => {
  const pending = (run: () => Promise<void>, name = 'Effect') => ({
    pipeline: 'p',
    effects: [{ name, run }],
    input: { query: {}, selected: [], notSelected: [] },
  });

  it('should accept immediately and run the effect only on a later macrotask', async () => {
    const events: string[] = [];
    const sut = new InProcessSideEffectSink({
      completed: () => events.push('completed'),
      failed: () => undefined,
    });
    await sut.submit(
      pending(() => {
        events.push('ran');
        return Promise.resolve();
      }),
    );
    await Promise.resolve();
    events.push('responded');
    await sut.drain();
    expect(events).toEqual(['responded', 'ran', 'completed']);
  });

  it('should report a failing effect without throwing and keep running the others', async () => {
    const failures: string[] = [];
    const sut = new InProcessSideEffectSink({
      completed: () => undefined,
      failed: (_p, e) => failures.push(e),
    });
    let ran = false;
    await sut.submit(pending(() => Promise.reject(new Error('boom')), 'Bad'));
    await sut.submit(
      pending(() => {
        ran = true;
        return Promise.resolve();
      }),
    );
    await sut.drain();
    expect(failures).toEqual(['Bad']);
    expect(ran).toBe(true);
    expect(sut.pending).toBe(0);
  });
});
