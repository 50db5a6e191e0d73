/**
 * The two wall-clock frames a request lives in. Viewer state (served history) is stamped in real wall
 * time, so it stays consistent across restarts. Content comes from the synthetic world, whose
 * timestamps are relative to its fixed `nowMs`; the world is anchored to this process's start, so posts
 * age normally while they run. Deadlines use neither: they use the monotonic Clock.
 */
export class FeedClock {
  private readonly _offsetMs: number;

  constructor(
    worldNowMs: number,
    private readonly _wallNow: () => number = Date.now,
  ) {
    this._offsetMs = _wallNow() - worldNowMs;
  }

  /** Real wall time (ms since epoch). */
  wallNow(): number {
    return this._wallNow();
  }

  /** The same instant in the content (world) frame. */
  contentNow(): number {
    return this._wallNow() - this._offsetMs;
  }

  /** A content-frame time expressed in wall time. */
  toWall(contentMs: number): number {
    return contentMs + this._offsetMs;
  }
}
