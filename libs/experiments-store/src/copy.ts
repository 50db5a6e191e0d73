import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AssignmentRow, CovariateRow, ExposureRow, OutcomeRow } from './types';

/**
 * Bulk loading with COPY ... FROM STDIN (text format) — for the benchmark and backfills. Unlike the
 * `ExperimentStore.record*` methods COPY is NOT idempotent: a duplicate key fails the whole COPY.
 * Load into fresh tables (or a staging table followed by INSERT ... ON CONFLICT DO NOTHING).
 */

export type CopyValue = string | number | boolean | Date | null;

/** One field in COPY text format: \N for NULL; backslash, tab, newline and CR escaped. */
export function copyField(value: CopyValue): string {
  if (value === null) {
    return '\\N';
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === 'boolean') {
    return value ? 't' : 'f';
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`copyField: ${value} is not finite`);
    }
    return String(value);
  }
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** A COPY text line (with the trailing newline). */
export function copyLine(values: readonly CopyValue[]): string {
  return `${values.map(copyField).join('\t')}\n`;
}

export const ASSIGNMENT_COLUMNS = [
  'experiment_key',
  'unit_id',
  'variant',
  'layer',
  'bucket',
  'hash_version',
  'eligibility_version',
  'assigned_at',
] as const;

export const EXPOSURE_COLUMNS = [
  'exposure_id',
  'experiment_key',
  'unit_id',
  'variant',
  'request_id',
  'triggered',
  'counterfactual',
  'version_vector',
  'exposed_at',
] as const;

/** EXPOSURE_COLUMNS plus the serving facts of migration 0004 (use with {@link exposureServingLine}). */
export const EXPOSURE_SERVING_COLUMNS = [
  ...EXPOSURE_COLUMNS,
  'latency_ms',
  'items_returned',
  'requested_items',
] as const;

export const OUTCOME_COLUMNS = [
  'client_event_id',
  'unit_id',
  'event_type',
  'value',
  'post_id',
  'request_id',
  'occurred_at',
  'received_at',
] as const;

export const COVARIATE_COLUMNS = ['experiment_key', 'metric', 'unit_id', 'value'] as const;

export function assignmentLine(r: AssignmentRow): string {
  return copyLine([
    r.experimentKey,
    r.unitId,
    r.variant,
    r.layer,
    r.bucket,
    r.hashVersion,
    r.eligibilityVersion,
    r.assignedAt,
  ]);
}

export function exposureLine(r: ExposureRow): string {
  return copyLine([
    r.exposureId,
    r.experimentKey,
    r.unitId,
    r.variant,
    r.requestId,
    r.triggered,
    r.counterfactual ?? false,
    JSON.stringify(r.versionVector ?? {}),
    r.exposedAt,
  ]);
}

/** An exposure with its serving facts, in {@link EXPOSURE_SERVING_COLUMNS} order (missing facts: NULL). */
export function exposureServingLine(r: ExposureRow): string {
  return copyLine([
    r.exposureId,
    r.experimentKey,
    r.unitId,
    r.variant,
    r.requestId,
    r.triggered,
    r.counterfactual ?? false,
    JSON.stringify(r.versionVector ?? {}),
    r.exposedAt,
    r.latencyMs ?? null,
    r.itemsReturned ?? null,
    r.requestedItems ?? null,
  ]);
}

export function outcomeLine(r: OutcomeRow): string {
  return copyLine([
    r.clientEventId,
    r.unitId,
    r.eventType,
    r.value ?? 1,
    r.postId,
    r.requestId,
    r.occurredAt,
    r.receivedAt,
  ]);
}

export function covariateLine(r: CovariateRow): string {
  return copyLine([r.experimentKey, r.metric, r.unitId, r.value]);
}

const QUALIFIED = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const COLUMN = /^[a-z_][a-z0-9_]*$/;

/** Groups lines into chunks of about `bytes` characters (one stream write per chunk). */
function* chunked(lines: Iterable<string>, bytes: number): Generator<string> {
  let buffer: string[] = [];
  let size = 0;
  for (const line of lines) {
    buffer.push(line);
    size += line.length;
    if (size >= bytes) {
      yield buffer.join('');
      buffer = [];
      size = 0;
    }
  }
  if (buffer.length > 0) {
    yield buffer.join('');
  }
}

/**
 * Streams COPY text lines into `table (columns)` on `client`; returns the number of rows copied.
 * Backpressure is respected (the lines are produced lazily as the server takes them).
 */
export async function copyLines(
  client: ClientBase,
  table: string,
  columns: readonly string[],
  lines: Iterable<string>,
): Promise<number> {
  if (!QUALIFIED.test(table) || columns.length === 0 || !columns.every((c) => COLUMN.test(c))) {
    throw new RangeError('copyLines: table and columns must be plain lower-case identifiers');
  }
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunked(lines, 1 << 20)), stream);
  return stream.rowCount;
}
