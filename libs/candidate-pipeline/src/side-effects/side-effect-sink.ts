import type { CandidateBase } from '../core/candidate';
import type { PendingSideEffects } from '../runner/pipeline-result';

/**
 * Where a response's side effects go. This is the seam between serving and asynchronous work:
 * `submit` resolves when the sink has *accepted* the work (for a durable sink: committed to its store),
 * never when the work is done. Implementations must not throw for a failing effect.
 */
export interface SideEffectSink {
  submit<Q, C extends CandidateBase>(pending: PendingSideEffects<Q, C>): Promise<void>;
}

export interface SideEffectObserver {
  /** `runSeconds`: the effect's own run time; `sinceAcceptedSeconds`: from acceptance to completion. */
  completed(pipeline: string, effect: string, runSeconds: number, sinceAcceptedSeconds: number): void;
  failed(pipeline: string, effect: string, error: unknown): void;
}

/**
 * Runs side effects in this process on a later macrotask, so they never delay the response that caused
 * them. Not durable: work accepted here is lost if the process dies before it runs (the BullMQ sink
 * replaces this where that matters). `drain()` waits for everything accepted so far (shutdown, tests).
 */
export class InProcessSideEffectSink implements SideEffectSink {
  private readonly _inFlight = new Set<Promise<void>>();
  private readonly _shutdown = new AbortController();

  constructor(
    private readonly _observer: SideEffectObserver,
    private readonly _now: () => number = () => performance.now(),
  ) {}

  submit<Q, C extends CandidateBase>(pending: PendingSideEffects<Q, C>): Promise<void> {
    const accepted = this._now();
    for (const effect of pending.effects) {
      const task = new Promise<void>((resolve) => setImmediate(resolve))
        .then(async () => {
          const started = this._now();
          await effect.run(pending.input, this._shutdown.signal);
          const done = this._now();
          this._observer.completed(
            pending.pipeline,
            effect.name,
            (done - started) / 1000,
            (done - accepted) / 1000,
          );
        })
        .catch((err: unknown) => this._observer.failed(pending.pipeline, effect.name, err))
        .finally(() => this._inFlight.delete(task));
      this._inFlight.add(task);
    }
    return Promise.resolve();
  }

  /** Resolves when every effect accepted so far has finished (successfully or not). */
  async drain(): Promise<void> {
    while (this._inFlight.size > 0) {
      await Promise.all([...this._inFlight]);
    }
  }

  get pending(): number {
    return this._inFlight.size;
  }
}
