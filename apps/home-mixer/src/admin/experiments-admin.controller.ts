import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Optional,
  Param,
  Post,
  Res,
  UseFilters,
} from '@nestjs/common';
import {
  applyKills,
  buildKillSwitchState,
  CONTROL,
  KILL_RECORD_SCHEMA_VERSION,
  KeySchema,
  unmatchedKills,
  type ExperimentDefinition,
  type KillRecord,
  type KillSwitchState,
} from '@foryou/experiments';
import { killIdFor, KillSwitchStore, KillSwitchWatcher } from '@foryou/feed-state';
import type { Logger } from '@foryou/telemetry';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppConfig } from '../config/app-config';
import { FeedError, type FieldProblem } from '../errors/feed-error';
import { APP_CONFIG, EXPERIMENT_DEFINITIONS, KILL_SWITCH_STORE, LOGGER } from '../tokens';
import { FeedClock } from '../world/feed-clock';
import { AdminAuthError, AdminAuthErrorFilter, assertAdmin } from './admin-auth';

/** `POST /v1/admin/experiments/:key/kill` body. `variant` absent or null kills the whole experiment. */
export const KillRequestSchema = z.strictObject({
  variant: KeySchema.nullable().optional(),
  reason: z.string().trim().min(1, 'say why (it goes into the audit record)').max(2000),
  actor: z.string().trim().min(1, 'say who is killing (it goes into the audit record)').max(200),
});
export type KillRequest = z.infer<typeof KillRequestSchema>;

export interface VariantSummary {
  readonly key: string;
  readonly weight: number;
  /** The record that killed this variant (not set when only the whole experiment was killed). */
  readonly killed: KillRecord | null;
}

export interface ExperimentSummary {
  readonly key: string;
  readonly status: ExperimentDefinition['status'];
  readonly owner: string;
  readonly layer: string;
  /** The served ramp step's percentage. */
  readonly ramp_percent: number;
  readonly kill_switch: ExperimentDefinition['kill_switch'];
  /** The record that killed the whole experiment, or null. */
  readonly killed: KillRecord | null;
  readonly variants: readonly VariantSummary[];
}

/** `GET /v1/admin/experiments`. */
export interface ExperimentsAdminView {
  readonly experiments: readonly ExperimentSummary[];
  /** Every kill record in the store (read now from Redis), oldest first. */
  readonly kills: readonly KillRecord[];
  /** Stored kills naming an experiment or variant this process has no definition of (likely typos). */
  readonly unmatched_kills: readonly KillRecord[];
  /** What THIS process serves with, when it runs a kill-switch watcher. */
  readonly watcher: {
    readonly last_refreshed_at_ms: number | null;
    readonly kill_ids: readonly string[];
    /** Every stored kill is in the watcher's state (the kills are effective on this process). */
    readonly in_sync: boolean;
  } | null;
}

type AuditOutcome = 'killed' | 'already_killed' | 'refused' | 'failed';

function killIdsOf(state: KillSwitchState): string[] {
  return [
    ...Object.values(state.experiments).map((r) => r.kill_id),
    ...Object.values(state.variants).flatMap((byVariant) => Object.values(byVariant).map((r) => r.kill_id)),
  ];
}

function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => ({
    field: i.path.length === 0 ? '(body)' : i.path.map(String).join('.'),
    reason: i.message,
  }));
}

/**
 * The experiments admin API: kill switches (book 6.7.8). Every route needs the admin Bearer token
 * ({@link assertAdmin}). A kill is written by `KillSwitchStore.kill` (Redis: record + audit-job outbox
 * envelope + publish, one transaction) and reaches every process's `KillSwitchWatcher` within the
 * publish latency, at worst within `KILL_SWITCH_POLL_MS`. Every attempt, accepted or refused, leaves an
 * audit log line (`audit: "experiment_kill"`) with the actor and the reason; accepted kills also get their
 * Postgres audit row from the workers (`experiment-kills.record`).
 *
 * The definitions, the store and the watcher are injected when the experiments module provides them;
 * without definitions or a store the routes answer 503 (after authentication).
 */
@Controller('v1/admin/experiments')
@UseFilters(AdminAuthErrorFilter)
export class ExperimentsAdminController {
  constructor(
    @Inject(APP_CONFIG) private readonly _config: AppConfig,
    @Inject(LOGGER) private readonly _logger: Logger,
    @Inject(FeedClock) private readonly _clock: FeedClock,
    @Optional()
    @Inject(EXPERIMENT_DEFINITIONS)
    private readonly _definitions: readonly ExperimentDefinition[] | undefined,
    @Optional() @Inject(KILL_SWITCH_STORE) private readonly _store: KillSwitchStore | undefined,
    @Optional() @Inject(KillSwitchWatcher) private readonly _watcher: KillSwitchWatcher | undefined,
  ) {}

  /** Definitions, the stored kill state, and what this process serves with. */
  @Get()
  async list(@Headers('authorization') authorization: string | undefined): Promise<ExperimentsAdminView> {
    assertAdmin(authorization, this._config.adminToken);
    const { definitions, store } = this.configured();
    let records: KillRecord[];
    try {
      records = await store.list();
    } catch (err) {
      throw new FeedError('unavailable', `kill-switch store unavailable: ${(err as Error).message}`);
    }
    const live = applyKills(definitions, buildKillSwitchState(records));
    const watched = this._watcher ? new Set(killIdsOf(this._watcher.current())) : undefined;
    const effective = killIdsOf(buildKillSwitchState(records));
    return {
      experiments: live.map((d) => ({
        key: d.key,
        status: d.status,
        owner: d.owner,
        layer: d.layer.key,
        ramp_percent: d.ramp.steps[d.ramp.current_step]?.percent ?? 0,
        kill_switch: d.kill_switch,
        killed: d.kill?.experiment ?? null,
        variants: d.variants.map((v) => ({
          key: v.key,
          weight: v.weight,
          killed: (d.kill && Object.hasOwn(d.kill.variants, v.key) ? d.kill.variants[v.key] : null) ?? null,
        })),
      })),
      kills: records,
      unmatched_kills: unmatchedKills(definitions, records),
      watcher:
        this._watcher && watched
          ? {
              last_refreshed_at_ms: this._watcher.lastRefreshedAtMs,
              kill_ids: [...watched],
              in_sync: effective.every((id) => watched.has(id)),
            }
          : null,
    };
  }

  /**
   * Kills an experiment (`variant` absent/null, or `control`) or one variant. 201 with the new record;
   * 200 with the record already in effect when the target (or the whole experiment) was killed before.
   * 400 bad body (per-field reasons), 404 unknown experiment or variant, 503 store unavailable.
   */
  @Post(':key/kill')
  async kill(
    @Param('key') key: string,
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KillRecord> {
    const requestId = `admin-${randomUUID()}`;
    void reply.header('x-request-id', requestId);
    const claimed = z.object({ actor: z.string(), reason: z.string() }).partial().safeParse(body);
    const audit = (outcome: AuditOutcome, fields: Record<string, unknown>): void => {
      const line = {
        audit: 'experiment_kill',
        outcome,
        request_id: requestId,
        experiment_key: key,
        actor: claimed.success ? (claimed.data.actor ?? null) : null,
        reason: claimed.success ? (claimed.data.reason ?? null) : null,
        ...fields,
      };
      if (outcome === 'killed' || outcome === 'already_killed') {
        this._logger.info(line, 'admin audit: experiment kill');
      } else {
        this._logger.warn(line, 'admin audit: experiment kill refused');
      }
    };
    try {
      assertAdmin(authorization, this._config.adminToken);
    } catch (err) {
      audit('refused', { status: (err as AdminAuthError).status, refusal: (err as AdminAuthError).code });
      throw err;
    }
    const refuse = (error: FeedError): never => {
      audit('refused', {
        status: error.code === 'not_found' ? 404 : error.code === 'unavailable' ? 503 : 400,
        refusal: error.message,
        details: error.details,
      });
      throw error;
    };
    const { definitions, store } = this.configured(refuse);
    const definition = definitions.find((d) => d.key === key);
    if (!definition) {
      return refuse(
        new FeedError('not_found', `unknown experiment '${key}'`, [
          { field: 'key', reason: `one of ${definitions.map((d) => d.key).join(', ') || '(none loaded)'}` },
        ]),
      );
    }
    const parsed = KillRequestSchema.safeParse(body ?? {});
    if (!parsed.success) {
      return refuse(new FeedError('invalid_argument', 'invalid kill request', fieldProblems(parsed.error)));
    }
    const request = parsed.data;
    const variant = request.variant ?? null;
    if (variant !== null && !definition.variants.some((v) => v.key === variant)) {
      return refuse(
        new FeedError('not_found', `experiment '${key}' has no variant '${variant}'`, [
          { field: 'variant', reason: `one of ${definition.variants.map((v) => v.key).join(', ')}` },
        ]),
      );
    }
    try {
      const state = buildKillSwitchState(await store.list());
      const existing =
        (Object.hasOwn(state.experiments, key) ? state.experiments[key] : undefined) ??
        (variant !== null && variant !== CONTROL ? state.variants[key]?.[variant] : undefined);
      if (existing) {
        audit('already_killed', { status: 200, variant, kill_id: existing.kill_id });
        void reply.status(200);
        return existing;
      }
      const record: KillRecord = {
        schema_version: KILL_RECORD_SCHEMA_VERSION,
        kill_id: killIdFor(key, variant),
        experiment_key: key,
        variant,
        reason: request.reason,
        actor: request.actor,
        automatic: false,
        created_at_ms: this._clock.wallNow(),
      };
      const result = await store.kill(record, { requestId });
      audit(result.created ? 'killed' : 'already_killed', {
        status: result.created ? 201 : 200,
        variant,
        kill_id: result.record.kill_id,
      });
      void reply.status(result.created ? 201 : 200);
      return result.record;
    } catch (err) {
      audit('failed', { status: 503, variant, error: (err as Error).message });
      throw new FeedError('unavailable', `kill-switch store unavailable: ${(err as Error).message}`);
    }
  }

  private configured(
    refuse: (error: FeedError) => never = (error) => {
      throw error;
    },
  ): { definitions: readonly ExperimentDefinition[]; store: KillSwitchStore } {
    if (this._definitions === undefined || this._store === undefined) {
      return refuse(
        new FeedError(
          'unavailable',
          'experiments are not configured on this process (no definitions or kill-switch store)',
        ),
      );
    }
    return { definitions: this._definitions, store: this._store };
  }
}
