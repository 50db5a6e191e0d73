import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { noBarrier, type CrashBarrier } from './crash-barrier';
import { parseEnvelope } from './envelope';
import { classify, PermanentJobError, type FailureClass } from './errors';
import type { EffectOutcome, JobRegistry } from './job-registry';
import { MALFORMED_JOB } from './outbox-relay';
import type { Quarantine } from './quarantine';
import { inLinkedSpan } from './trace-link';

export interface ConsumerObserver {
  /** A job finished: its effect was applied now, or had been (duplicate), or was superseded. */
  finished(
    job: { type: string; effect: string; pipeline: string },
    outcome: EffectOutcome,
    runSeconds: number,
    sinceAcceptedSeconds: number,
  ): void;
  /** One attempt failed; `willRetry` false means the job is now quarantined. */
  attemptFailed(type: string, classification: FailureClass, willRetry: boolean, reason: string): void;
}

export interface SideEffectWorkerOptions {
  readonly queueName: string;
  /** BullMQ connection (must allow blocking commands: `maxRetriesPerRequest: null`). */
  readonly connection: ConnectionOptions;
  /** BullMQ key prefix. */
  readonly prefix: string;
  /** Connection handlers use for business state and the inbox. */
  readonly redis: Redis;
  readonly registry: JobRegistry;
  readonly quarantine: Quarantine;
  readonly concurrency: number;
  /** How long a job stays locked to a worker that stops renewing (e.g. was killed) before re-delivery. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock expired (default: BullMQ's 30 s). */
  readonly stalledIntervalMs?: number;
  readonly maxStalledCount?: number;
  readonly barrier?: CrashBarrier;
  readonly observer?: ConsumerObserver;
  readonly now?: () => number;
}

/**
 * Consumes side-effect jobs: envelope → registry (type, schema version, payload) → handler (inbox check and
 * effect atomically) → ack. Permanent failures are quarantined at once (`UnrecoverableError`); transient
 * ones are retried with the queue's backoff until the attempt budget is spent, then quarantined.
 */
export class SideEffectWorker {
  private _worker: Worker | undefined;

  constructor(private readonly _o: SideEffectWorkerOptions) {}

  start(): void {
    const barrier = this._o.barrier ?? noBarrier;
    this._worker = new Worker(this._o.queueName, (job: Job) => this.process(job), {
      connection: this._o.connection,
      prefix: this._o.prefix,
      concurrency: this._o.concurrency,
      ...(this._o.lockDurationMs !== undefined ? { lockDuration: this._o.lockDurationMs } : {}),
      ...(this._o.stalledIntervalMs !== undefined ? { stalledInterval: this._o.stalledIntervalMs } : {}),
      maxStalledCount: this._o.maxStalledCount ?? 3,
      autorun: true,
    });
    this._worker.on('completed', () => void barrier('worker:acked'));
    this._worker.on('failed', (job, err) => {
      // Jobs that exceeded the stall limit never reached `process`'s catch (their worker died).
      if (job && /stalled/i.test(err.message)) {
        this._o.observer?.attemptFailed(job.name, 'transient', false, 'stalled');
      }
    });
    this._worker.on('error', () => undefined);
  }

  /** Waits for active jobs to finish, then disconnects the worker. */
  async close(): Promise<void> {
    await this._worker?.close();
  }

  get worker(): Worker | undefined {
    return this._worker;
  }

  private async process(job: Job): Promise<EffectOutcome> {
    const barrier = this._o.barrier ?? noBarrier;
    const now = this._o.now ?? Date.now;
    await barrier('worker:picked-up');
    const attempt = job.attemptsMade + 1;
    const started = performance.now();
    try {
      if (job.name === MALFORMED_JOB) {
        throw new PermanentJobError('malformed_envelope', 'outbox entry is not a valid envelope');
      }
      const envelope = parseEnvelope(job.data);
      if (!envelope) {
        throw new PermanentJobError('malformed_envelope', 'job data is not a valid envelope');
      }
      const { definition, payload } = this._o.registry.read(envelope);
      const outcome = await inLinkedSpan(
        `side_effect ${definition.effect}`,
        envelope.traceparent,
        {
          'foryou.event_id': envelope.eventId,
          'foryou.request_id': envelope.requestId,
          'foryou.business_key': envelope.businessKey,
          'foryou.schema_version': envelope.schemaVersion,
          'foryou.attempt': attempt,
          'messaging.destination.name': this._o.queueName,
        },
        () =>
          definition.handle(payload, {
            redis: this._o.redis,
            envelope,
            attempt,
            signal: new AbortController().signal,
          }),
      );
      await barrier('worker:effect-committed');
      this._o.observer?.finished(
        definition,
        outcome,
        (performance.now() - started) / 1000,
        Math.max(0, now() - envelope.createdAtMs) / 1000,
      );
      return outcome;
    } catch (err) {
      const classification = classify(err);
      const willRetry = classification === 'transient' && attempt < (job.opts.attempts ?? 1);
      await this._o.quarantine.noteFailure(job.id!, now()).catch(() => undefined);
      this._o.observer?.attemptFailed(job.name, classification, willRetry, reasonOf(err));
      if (classification === 'permanent') {
        throw new UnrecoverableError((err as Error).message);
      }
      throw err;
    }
  }
}

function reasonOf(err: unknown): string {
  return err instanceof PermanentJobError ? err.reason : 'transient_error';
}
