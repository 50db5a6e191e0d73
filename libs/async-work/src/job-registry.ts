import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Envelope } from './envelope';
import { PermanentJobError } from './errors';

/** What applying an event did to the business state. */
export type EffectOutcome =
  /** The effect was applied now (together with its inbox record). */
  | 'applied'
  /** The inbox already held the business key: an earlier delivery applied it. */
  | 'duplicate'
  /** Newer state was already in place; nothing to do (e.g. a late cache write). Recorded in the inbox. */
  | 'superseded';

export interface HandlerContext {
  /** Connection for business state and the inbox (plain commands; not the BullMQ connection). */
  readonly redis: Redis;
  readonly envelope: Envelope;
  /** 1-based attempt number. */
  readonly attempt: number;
  readonly signal: AbortSignal;
}

/**
 * One job type: how each payload version this code can read is parsed into the handler's shape, and the
 * handler that applies it. Readers must accept every version from 1 to their newest; a reader reading an
 * event newer than it knows uses its newest schema (zod drops unknown fields), which is safe exactly when
 * the producer declared `minReaderVersion` ≤ the reader's newest version.
 */
export interface JobDefinition<P> {
  readonly type: string;
  /** Effect name for metrics (`effect` label), e.g. `UpdateServedHistory`. */
  readonly effect: string;
  /** Pipeline that produced it, for metrics (`pipeline` label). */
  readonly pipeline: string;
  /** Schema per readable version (1..N, no gaps); each maps its version's payload to the handler's shape. */
  readonly readers: Readonly<Record<number, z.ZodType<P>>>;
  /** Applies the effect idempotently (inbox check and effect in one atomic step). */
  readonly handle: (payload: P, ctx: HandlerContext) => Promise<EffectOutcome>;
}

/** Erases a definition's payload type so definitions of different types fit one registry. */
export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<unknown> {
  return definition as unknown as JobDefinition<unknown>;
}

/** Newest payload version `definition` can read. */
export function newestReadable(definition: Pick<JobDefinition<unknown>, 'readers'>): number {
  return Math.max(...Object.keys(definition.readers).map(Number));
}

/** A parsed, version-checked event ready for its handler. */
export interface ReadEvent {
  readonly definition: JobDefinition<unknown>;
  readonly payload: unknown;
}

/**
 * Maps job types to exactly one handler. Construction fails on a duplicate type, a gap in reader
 * versions, or (via `assertHandles`) a type the process is expected to consume but has no handler for.
 */
export class JobRegistry {
  private readonly _byType = new Map<string, JobDefinition<unknown>>();

  constructor(
    definitions: readonly JobDefinition<unknown>[],
    /** Simulates an older worker in compatibility tests: versions above this are treated as unknown. */
    private readonly _maxReaderVersion = Number.POSITIVE_INFINITY,
  ) {
    for (const d of definitions) {
      if (this._byType.has(d.type)) {
        throw new Error(`duplicate handler for job type "${d.type}"`);
      }
      const versions = Object.keys(d.readers)
        .map(Number)
        .sort((a, b) => a - b);
      if (versions.length === 0 || versions.some((v, i) => v !== i + 1)) {
        throw new Error(
          `job type "${d.type}" must have readers for versions 1..N, got [${versions.join(',')}]`,
        );
      }
      this._byType.set(d.type, d);
    }
  }

  get types(): readonly string[] {
    return [...this._byType.keys()];
  }

  /** Throws unless every type in `expected` has a handler (boot-time check). */
  assertHandles(expected: readonly string[]): void {
    const missing = expected.filter((t) => !this._byType.has(t));
    if (missing.length > 0) {
      throw new Error(`no handler registered for job type(s): ${missing.join(', ')}`);
    }
  }

  definition(type: string): JobDefinition<unknown> | undefined {
    return this._byType.get(type);
  }

  /** Newest version this registry reads for `type` (after the simulated-age cap). */
  readerVersion(definition: JobDefinition<unknown>): number {
    return Math.min(newestReadable(definition), this._maxReaderVersion);
  }

  /** Resolves the handler and parses the payload; throws PermanentJobError when that cannot succeed. */
  read(envelope: Envelope): ReadEvent {
    const definition = this._byType.get(envelope.type);
    if (!definition) {
      throw new PermanentJobError('unknown_job_type', `no handler for job type "${envelope.type}"`);
    }
    const newest = this.readerVersion(definition);
    if (envelope.minReaderVersion > newest) {
      throw new PermanentJobError(
        'unknown_schema_version',
        `${envelope.type} v${envelope.schemaVersion} needs a reader ≥ v${envelope.minReaderVersion}; this worker reads ≤ v${newest}`,
      );
    }
    const schema = definition.readers[Math.min(envelope.schemaVersion, newest)]!;
    const parsed = schema.safeParse(envelope.payload);
    if (!parsed.success) {
      throw new PermanentJobError(
        'invalid_payload',
        `${envelope.type} v${envelope.schemaVersion}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    return { definition, payload: parsed.data };
  }
}
