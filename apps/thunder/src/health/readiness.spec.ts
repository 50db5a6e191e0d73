import { Readiness } from './readiness';

describe(Readiness.name, () => {
  it('should become ready only after restore and a lag measurement below the limit on every partition', () => {
    const sut = new Readiness(2, 10);
    const changes: boolean[] = [];
    let first = 0;
    sut.onChange((ready) => changes.push(ready));
    sut.onFirstReady(() => first++);

    expect(sut.report()).toEqual({ ready: false, reason: 'restoring', caughtUp: false, lag: [null, null] });
    sut.setLag([0, 0]); // measured before the restore finished: does not count
    sut.markRestored();
    expect(sut.report().reason).toBe('catching_up');
    sut.setLag([9, 10]);
    expect(sut.ready).toBe(false);
    sut.setLag([9, 3]);

    expect(sut.report()).toEqual({ ready: true, caughtUp: true, lag: [9, 3] });
    expect([changes, first]).toEqual([[true], 1]);
  });

  it('should latch the catch-up but drop readiness while Redis is unreachable, and on shutdown', () => {
    const sut = new Readiness(1, 10);
    let first = 0;
    sut.onFirstReady(() => first++);
    sut.markRestored();
    sut.setLag([0]);

    sut.setLag([500]);
    expect(sut.ready).toBe(true);
    sut.setRedisHealthy(false);
    expect(sut.report().reason).toBe('redis_unavailable');
    sut.setRedisHealthy(true);
    expect(sut.ready).toBe(true);
    sut.markShuttingDown();

    expect(sut.report().reason).toBe('shutting_down');
    expect(first).toBe(1);
  });
});
