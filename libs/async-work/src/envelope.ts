import { z } from 'zod';

/**
 * BullMQ job ids may not contain ':' and may not be integers, so event ids are restricted to a safe
 * alphabet. Producers derive them deterministically (e.g. `<requestId>.<effect>`), which is what makes
 * a retried request or a relay re-send collapse onto the same job.
 */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** The durable record of one unit of asynchronous work, as written to the outbox and carried by the job. */
export const EnvelopeSchema = z.object({
  /** Unique per event; becomes the BullMQ job id (idempotent enqueue). */
  eventId: z.string().regex(EVENT_ID_PATTERN),
  /** The job type; exactly one handler is registered per type. */
  type: z.string().min(1),
  /** Version of the payload layout the producer wrote. */
  schemaVersion: z.number().int().positive(),
  /** Oldest reader version that can apply this event correctly (additive changes keep it unchanged). */
  minReaderVersion: z.number().int().positive(),
  /** The request that caused the work. */
  requestId: z.string().min(1),
  /** What the effect must happen exactly once for; consumers deduplicate on it (inbox). */
  businessKey: z.string().min(1),
  /** Producer name and version, e.g. `home-mixer@0.1.0`. */
  producer: z.string().min(1),
  /** Producer wall-clock time at acceptance (ms since epoch): end-to-end latency starts here. */
  createdAtMs: z.number().nonnegative(),
  /** W3C traceparent of the producing span: the consumer links to it (a link, not a parent). */
  traceparent: z.string().optional(),
  payload: z.unknown(),
});

export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Parses a serialized envelope; `undefined` if it is not valid JSON or not an envelope. */
export function parseEnvelope(raw: unknown): Envelope | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  }
  const parsed = EnvelopeSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Builds an event id from parts, replacing characters BullMQ cannot take in a job id. */
export function eventIdOf(...parts: readonly string[]): string {
  return parts
    .map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_'))
    .join('.')
    .slice(0, 200);
}
