/**
 * At most `limit` concurrent holders; `tryAcquire` never waits (x-algorithm's try_acquire on a
 * semaphore: beyond capacity a call is shed at once with RESOURCE_EXHAUSTED, not queued).
 */
export class InFlightLimiter {
  private _inFlight = 0;

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this._inFlight;
  }

  tryAcquire(): boolean {
    if (this._inFlight >= this.limit) {
      return false;
    }
    this._inFlight++;
    return true;
  }

  release(): void {
    this._inFlight = Math.max(0, this._inFlight - 1);
  }
}
