import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseEnvelope } from './envelope';
import { permanentReasonOf } from './errors';

/** One quarantined job: the BullMQ failed set is the store; this adds what an operator needs to decide. */
export interface QuarantinedJob {
  readonly jobId: string;
  readonly type: string;
  readonly reason: string;
  readonly classification: 'permanent' | 'transient' | 'unknown';
  readonly attempts: number;
  /** When the job first failed (any attempt); falls back to when it was quarantined. */
  readonly firstFailedAtMs: number;
  readonly quarantinedAtMs: number;
  readonly eventId?: string;
  readonly requestId?: string;
  readonly businessKey?: string;
  readonly schemaVersion?: number;
  readonly replays: number;
  readonly data: unknown;
}

export interface ReplayAudit {
  readonly jobId: string;
  readonly by: string;
  readonly atMs: number;
}

/**
 * Quarantine (DLQ) view over a queue's failed jobs (failed jobs are kept: `removeOnFail: false`), with
 * first-failure times and a replay audit trail in Redis. Failing jobs never block others: BullMQ moves
 * them aside and keeps consuming.
 */
export class Quarantine {
  constructor(
    private readonly _queue: Queue,
    private readonly _redis: Redis,
    private readonly _keyPrefix: string = 'quarantine',
  ) {}

  private get firstFailedKey(): string {
    return `${this._keyPrefix}:first-failed`;
  }

  private get auditKey(): string {
    return `${this._keyPrefix}:audit`;
  }

  /** Records the first failure time of a job (kept across later attempts). */
  async noteFailure(jobId: string, atMs: number): Promise<void> {
    await this._redis.hsetnx(this.firstFailedKey, jobId, String(atMs));
  }

  async count(): Promise<number> {
    return this._queue.getFailedCount();
  }

  /** Newest first. */
  async list(offset = 0, limit = 50): Promise<readonly QuarantinedJob[]> {
    const [jobs, replays] = await Promise.all([
      this._queue.getFailed(offset, offset + limit - 1),
      this.replayCounts(),
    ]);
    return Promise.all(jobs.map((j) => this.describe(j, replays)));
  }

  async get(jobId: string): Promise<QuarantinedJob | undefined> {
    const job = await this._queue.getJob(jobId);
    if (!job || !(await job.isFailed())) {
      return undefined;
    }
    return this.describe(job, await this.replayCounts());
  }

  /**
   * Puts a quarantined job back on the queue (same job id, attempts reset) and audits who did it.
   * Safe to repeat: the consumer's inbox keeps an effect from applying twice.
   */
  async replay(jobId: string, by: string, nowMs: number = Date.now()): Promise<boolean> {
    const job = await this._queue.getJob(jobId);
    if (!job || !(await job.isFailed())) {
      return false;
    }
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    await this._redis.xadd(
      this.auditKey,
      '*',
      'action',
      'replay',
      'job',
      jobId,
      'by',
      by,
      'at',
      String(nowMs),
    );
    return true;
  }

  async audit(limit = 100): Promise<readonly ReplayAudit[]> {
    const entries = await this._redis.xrevrange(this.auditKey, '+', '-', 'COUNT', limit);
    return entries.map(([, f]) => {
      const m = new Map<string, string>();
      for (let i = 0; i + 1 < f.length; i += 2) {
        m.set(f[i]!, f[i + 1]!);
      }
      return { jobId: m.get('job') ?? '', by: m.get('by') ?? '', atMs: Number(m.get('at') ?? 0) };
    });
  }

  /** Replays per job id over the last 1000 audit records: read once per listing. */
  private async replayCounts(): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    for (const a of await this.audit(1000)) {
      counts.set(a.jobId, (counts.get(a.jobId) ?? 0) + 1);
    }
    return counts;
  }

  private async describe(job: Job, replays: ReadonlyMap<string, number>): Promise<QuarantinedJob> {
    const first = await this._redis.hget(this.firstFailedKey, job.id!);
    const envelope = parseEnvelope(job.data);
    const reason = job.failedReason ?? 'unknown';
    const classification =
      permanentReasonOf(reason) !== undefined ? 'permanent' : reason === 'unknown' ? 'unknown' : 'transient';
    const quarantinedAtMs = job.finishedOn ?? job.processedOn ?? job.timestamp;
    return {
      jobId: job.id!,
      type: job.name,
      reason,
      classification,
      attempts: job.attemptsMade,
      firstFailedAtMs: first ? Number(first) : quarantinedAtMs,
      quarantinedAtMs,
      replays: replays.get(job.id!) ?? 0,
      data: job.data as unknown,
      ...(envelope
        ? {
            eventId: envelope.eventId,
            requestId: envelope.requestId,
            businessKey: envelope.businessKey,
            schemaVersion: envelope.schemaVersion,
          }
        : {}),
    };
  }
}
