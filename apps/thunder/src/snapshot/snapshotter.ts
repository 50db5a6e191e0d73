import type { Logger } from '@foryou/telemetry';
import type { PostStore } from '../store/post-store';
import type { ThunderMetrics } from '../telemetry/metrics';
import { encodeSnapshot } from './snapshot-codec';
import { writeSnapshotFile } from './snapshot-file';

export interface SnapshotterDeps {
  readonly dir: string;
  readonly store: PostStore;
  readonly epoch: string;
  readonly streamPrefix: string;
  readonly metrics: Pick<ThunderMetrics, 'snapshot'>;
  readonly logger: Logger;
}

/**
 * Writes the store (state + offsets, one consistent cut: encoding is synchronous, so no event is
 * applied in between) periodically and on demand. One write at a time; skipped when nothing changed.
 */
export class Snapshotter {
  private _written: number;
  private _writing: Promise<void> | undefined;
  private _timer: NodeJS.Timeout | undefined;

  /** `writtenRevision`: the store revision already on disk (after a restore), if any. */
  constructor(
    private readonly _d: SnapshotterDeps,
    writtenRevision = -1,
  ) {
    this._written = writtenRevision;
  }

  async writeNow(): Promise<'written' | 'unchanged'> {
    while (this._writing !== undefined) {
      await this._writing.catch(() => undefined);
    }
    const { store, metrics } = this._d;
    const revision = store.revision;
    if (revision === this._written) {
      metrics.snapshot('unchanged');
      return 'unchanged';
    }
    const started = performance.now();
    store.trim();
    const bytes = encodeSnapshot({
      meta: {
        epoch: this._d.epoch,
        streamPrefix: this._d.streamPrefix,
        writtenAtMs: Date.now(),
        options: store.options,
      },
      state: store.exportState(),
    });
    this._writing = writeSnapshotFile(this._d.dir, bytes);
    try {
      await this._writing;
    } catch (err) {
      metrics.snapshot('error');
      throw err;
    } finally {
      this._writing = undefined;
    }
    this._written = revision;
    const seconds = (performance.now() - started) / 1000;
    metrics.snapshot('written', seconds);
    this._d.logger.info(
      {
        bytes: bytes.length,
        ms: Math.round(seconds * 1000),
        offsets: store.offsets(),
        posts: store.stats().activePosts,
      },
      'snapshot written',
    );
    return 'written';
  }

  /** Writes every `intervalMs` (timer unref'd: it never keeps the process alive). */
  start(intervalMs: number): void {
    this._timer = setInterval(() => {
      this.writeNow().catch((err: unknown) =>
        this._d.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'snapshot failed'),
      );
    }, intervalMs);
    this._timer.unref();
  }

  stop(): void {
    clearInterval(this._timer);
  }
}
