import { InFlightLimiter } from './in-flight-limiter';

describe(InFlightLimiter.name, () => {
  it('should admit up to the limit, refuse beyond it, and admit again after a release', () => {
    const limiter = new InFlightLimiter(2);

    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([true, true, false]);
    expect(limiter.inFlight).toBe(2);
    limiter.release();
    expect(limiter.tryAcquire()).toBe(true);
  });

  it('should never count below zero', () => {
    const limiter = new InFlightLimiter(1);

    limiter.release();

    expect(limiter.inFlight).toBe(0);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
  });
});
