/**
 * Exponential backoff with "equal jitter": the n-th delay is uniform in [d/2, d] with
 * d = min(max, initial · 2^n). `reset()` after a success.
 */
export class Backoff {
  private _attempt = 0;

  constructor(
    private readonly _initialMs = 100,
    private readonly _maxMs = 5000,
    private readonly _random: () => number = Math.random,
  ) {}

  nextDelayMs(): number {
    const ceiling = Math.min(this._maxMs, this._initialMs * 2 ** Math.min(this._attempt, 30));
    this._attempt++;
    return ceiling / 2 + (this._random() * ceiling) / 2;
  }

  reset(): void {
    this._attempt = 0;
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
