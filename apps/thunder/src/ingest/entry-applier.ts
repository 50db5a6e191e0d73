import type { Logger } from '@foryou/telemetry';
import type { PostStore } from '../store/post-store';
import type { ApplyResult, CountedEventType } from '../store/types';
import type { IngestPhase } from '../telemetry/metrics';
import { decodeEntry, type FlatFields } from './decode-entry';

/** One stream entry; `fields` is null for an entry deleted from the stream while pending. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: FlatFields | null;
}

/** Where applied entries are reported (ThunderMetrics in production). */
export interface IngestObserver {
  eventApplied(type: CountedEventType, result: ApplyResult): void;
  ingestDelay(phase: IngestPhase, seconds: number): void;
}

/** Invalid entries are logged for the first N, then one in every M (a bad producer must not flood logs). */
const LOG_FIRST_INVALID = 20;
const LOG_EVERY_INVALID = 1000;

/**
 * Decodes an entry and applies it to the store at its stream position. Unreadable entries are
 * consumed as invalid(schema) and skipped — they never stop the partition. Forks and invalid entries
 * are logged with their ids (ids go to logs, never to metric labels).
 */
export class EntryApplier {
  private _invalid = 0;

  constructor(
    private readonly _store: PostStore,
    private readonly _observer: IngestObserver,
    private readonly _logger: Logger,
    private readonly _wallNowMs: () => number = Date.now,
  ) {}

  apply(partition: number, entry: StreamEntry, phase: IngestPhase): ApplyResult {
    const at = { partition, entryId: entry.id };
    const decoded = entry.fields === null ? undefined : decodeEntry(entry.fields);
    const type: CountedEventType = decoded?.type ?? 'unknown';
    let result: ApplyResult;
    if (decoded === undefined || !decoded.ok) {
      result = this._store.skip(at, type);
      if (result.kind === 'invalid') {
        this._logInvalid(partition, entry.id, decoded?.reason ?? 'entry deleted from the stream');
      }
    } else {
      result = this._store.apply(decoded.event, at);
      if (!(result.kind === 'duplicate' && result.reason === 'offset')) {
        this._observer.ingestDelay(phase, (this._wallNowMs() - decoded.event.publishedAtMs) / 1000);
      }
      if (result.kind === 'fork') {
        this._logger.warn(
          {
            partition,
            entry_id: entry.id,
            post_id: decoded.event.postId,
            event_id: decoded.event.eventId,
            version: result.version,
            kept: result.kept,
            rejected: result.rejected,
          },
          'producer fork: same post version with different content; the first one is kept',
        );
      } else if (result.kind === 'invalid') {
        this._logInvalid(partition, entry.id, result.reason, decoded.event.postId);
      }
    }
    this._observer.eventApplied(type, result);
    return result;
  }

  private _logInvalid(partition: number, entryId: string, reason: string, postId?: string): void {
    const n = ++this._invalid;
    if (n <= LOG_FIRST_INVALID || n % LOG_EVERY_INVALID === 0) {
      this._logger.warn(
        { partition, entry_id: entryId, reason, invalid_so_far: n, ...(postId ? { post_id: postId } : {}) },
        'invalid post event skipped',
      );
    }
  }
}
