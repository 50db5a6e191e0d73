/** Where the process is in its life. Only `serving` answers calls and /readyz 200. */
export type Phase = 'starting' | 'serving' | 'shutting_down';

/** Phoenix's readiness: starting (world, model, corpus embedding, index) → serving → shutting down. */
export class Readiness {
  private _phase: Phase = 'starting';
  private _step = 'world';
  private readonly _listeners: ((phase: Phase) => void)[] = [];

  get phase(): Phase {
    return this._phase;
  }

  /** The start-up step in progress (shown by /readyz while starting). */
  get step(): string {
    return this._step;
  }

  get serving(): boolean {
    return this._phase === 'serving';
  }

  onChange(listener: (phase: Phase) => void): void {
    this._listeners.push(listener);
  }

  startStep(step: string): void {
    this._step = step;
  }

  markServing(): void {
    this._set('serving');
  }

  markShuttingDown(): void {
    this._set('shutting_down');
  }

  private _set(phase: Phase): void {
    if (this._phase === phase || this._phase === 'shutting_down') {
      return;
    }
    this._phase = phase;
    for (const listener of this._listeners) {
      listener(phase);
    }
  }
}
