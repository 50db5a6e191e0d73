import { decodePostEvent, POST_EVENT_TYPES, type PostEvent } from '@foryou/contracts';
import {
  GraphConflictError,
  GraphRejectedError,
  GraphValidationError,
  type SubmitOptions,
} from '@foryou/task-graph';
import type { Logger } from '@foryou/telemetry';
import { contentHash, MODEL_REVISION } from './content-models';
import { CONTENT_PLAN, contentGraphId } from './content-plan';
import type { ContentGraphPayload, ContentSource } from './content-source';
import type { ContentStore } from './content-store';
import type { EventOutcome, EventTypeLabel } from './grox-metrics';
import type { EntryVerdict, StreamEntry } from './post-event-consumer';

/** Longest `text` / `topic` taken from an entry's optional content fields. */
const MAX_CONTENT_FIELD = 4096;

export type DecodedEntry =
  | { readonly ok: true; readonly event: PostEvent; readonly text?: string; readonly topic?: string }
  | { readonly ok: false; readonly reason: string; readonly type: EventTypeLabel };

/**
 * Decodes one post-event entry (the `@foryou/contracts` wire format, as Thunder does), plus the
 * optional additive `text` / `topic` fields that the v1 contract does not define but allows.
 */
export function decodeStreamEntry(flat: readonly string[] | null): DecodedEntry {
  if (flat === null) {
    return { ok: false, reason: 'entry deleted from the stream', type: 'unknown' };
  }
  const fields: Record<string, string> = {};
  let repeated: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    if (Object.hasOwn(fields, name)) {
      repeated ??= name;
    }
    fields[name] = flat[i + 1]!;
  }
  const type: EventTypeLabel = POST_EVENT_TYPES.find((t) => t === fields.type) ?? 'unknown';
  if (flat.length % 2 !== 0) {
    return { ok: false, reason: 'entry: odd number of field names and values', type };
  }
  if (repeated !== undefined) {
    return { ok: false, reason: `${repeated}: field repeated`, type };
  }
  const decoded = decodePostEvent(fields);
  if (!decoded.ok) {
    return { ok: false, reason: decoded.reason, type };
  }
  const text = fields.text;
  const topic = fields.topic;
  return {
    ok: true,
    event: decoded.event,
    ...(text !== undefined && text.length <= MAX_CONTENT_FIELD ? { text } : {}),
    ...(topic !== undefined && topic.length <= MAX_CONTENT_FIELD ? { topic } : {}),
  };
}

/** The executor operations the handler needs (TaskGraphExecutor in production). */
export interface GraphSubmitter {
  submit<P>(plan: string, graphId: string, payload: P, options?: SubmitOptions): Promise<void>;
}

export interface ContentEventHandlerDeps {
  readonly executor: GraphSubmitter;
  readonly store: Pick<ContentStore, 'state' | 'tombstone'>;
  readonly source: ContentSource;
  readonly logger: Logger;
  readonly count: (type: EventTypeLabel, outcome: EventOutcome) => void;
}

/**
 * Decides what one post event means for Grox:
 * - invalid entry → acknowledged and counted (it can never be processed; Thunder drops it too);
 * - delete → tombstone at its version (a late graph of an older version can no longer publish);
 * - create/update whose version (or a newer one, or a delete) is already in content:<postId> →
 *   nothing to do (redelivery, duplicate publish, publisher rerun);
 * - update whose text/topic fingerprint equals the published one → nothing to do;
 * - otherwise submit graph `contentGraphId(post, version)` (idempotent per id). A full waiting room
 *   (GraphRejectedError) → `defer`: the entry stays unacknowledged and is retried after a pause —
 *   never dropped. Any other error → `retry` (with backoff).
 */
export function contentEventHandler(
  deps: ContentEventHandlerDeps,
): (entry: StreamEntry, partition: number) => Promise<EntryVerdict> {
  return async (entry, partition) => {
    const decoded = decodeStreamEntry(entry.fields);
    if (!decoded.ok) {
      deps.count(decoded.type, 'invalid');
      deps.logger.warn({ partition, entry_id: entry.id, reason: decoded.reason }, 'grox: invalid post event');
      return 'ack';
    }
    const { event } = decoded;
    try {
      if (event.type === 'delete') {
        await deps.store.tombstone(event.postId, event.version, MODEL_REVISION);
        deps.count('delete', 'deleted');
        return 'ack';
      }
      const state = await deps.store.state(event.postId);
      if (
        state !== undefined &&
        (state.postVersion > event.version ||
          (state.postVersion === event.version && state.modelRevision >= MODEL_REVISION))
      ) {
        deps.count(event.type, 'already_published');
        return 'ack';
      }
      const payload: ContentGraphPayload = {
        postId: event.postId,
        authorId: event.authorId,
        version: event.version,
        eventType: event.type,
        eventId: event.eventId,
        ...(decoded.text === undefined ? {} : { text: decoded.text }),
        ...(decoded.topic === undefined ? {} : { topic: decoded.topic }),
      };
      if (
        event.type === 'update' &&
        state !== undefined &&
        !state.deleted &&
        state.modelRevision === MODEL_REVISION &&
        state.contentHash !== undefined
      ) {
        const loaded = deps.source.load(payload);
        if (loaded.ok && contentHash(loaded.post) === state.contentHash) {
          deps.count('update', 'unchanged');
          return 'ack';
        }
      }
      await deps.executor.submit(CONTENT_PLAN, contentGraphId(event.postId, event.version), payload);
      deps.count(event.type, 'submitted');
      return 'ack';
    } catch (err) {
      if (err instanceof GraphRejectedError) {
        deps.count(event.type, 'deferred');
        return 'defer';
      }
      if (err instanceof GraphConflictError || err instanceof GraphValidationError) {
        // Cannot succeed on a retry either (an id collision or a bug): keep it visible, move on.
        deps.count(event.type, 'invalid');
        deps.logger.error({ partition, entry_id: entry.id, err: err.message }, 'grox: graph not submittable');
        return 'ack';
      }
      deps.count(event.type, 'error');
      deps.logger.warn(
        { partition, entry_id: entry.id, err: err instanceof Error ? err.message : String(err) },
        'grox: submitting the graph failed; will retry',
      );
      return 'retry';
    }
  };
}
