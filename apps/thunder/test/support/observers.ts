import type { ApplyResult, CountedEventType } from '../../src/store/types';
import type { RedisOperation } from '../../src/telemetry/metrics';

/**
 * Stands in for ThunderMetrics in the ingestor: records results and lets a test await "N entries
 * consumed" as an event (no polling, no sleeps).
 */
export class RecordingObserver {
  readonly results: { type: CountedEventType; result: ApplyResult }[] = [];
  readonly redisErrors: RedisOperation[] = [];
  readonly lag: number[] = [];
  private _waiters: { n: number; resolve: () => void }[] = [];

  eventApplied(type: CountedEventType, result: ApplyResult): void {
    this.results.push({ type, result });
    this._waiters = this._waiters.filter((w) => (this.results.length >= w.n ? (w.resolve(), false) : true));
  }

  ingestDelay(): void {}

  partitionLag(partition: number, entries: number): void {
    this.lag[partition] = entries;
  }

  redisError(operation: RedisOperation): void {
    this.redisErrors.push(operation);
  }

  /** Resolves once `n` entries in total have been consumed. */
  consumed(n: number): Promise<void> {
    return this.results.length >= n
      ? Promise.resolve()
      : new Promise((resolve) => this._waiters.push({ n, resolve }));
  }

  kinds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { result } of this.results) {
      out[result.kind] = (out[result.kind] ?? 0) + 1;
    }
    return out;
  }
}
