/**
 * Wall-clock time of the feed, in the synthetic world's frame: the world's fixed "now" plus the time
 * this process has been up, so posts age normally while the world's timestamps stay deterministic.
 * Used for ages and served-history times; never for deadlines (those use the monotonic Clock).
 */
export class FeedClock {
  private readonly _bootWallMs: number;

  constructor(
    private readonly _worldNowMs: number,
    private readonly _wallNow: () => number = Date.now,
  ) {
    this._bootWallMs = _wallNow();
  }

  now(): number {
    return this._worldNowMs + (this._wallNow() - this._bootWallMs);
  }
}
