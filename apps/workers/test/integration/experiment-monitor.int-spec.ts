import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { DEFAULT_OUTBOX_STREAM, parseEnvelope, type HandlerContext } from '@foryou/async-work';
import {
  ExperimentDefinitionSchema,
  loadExperiments,
  type ExperimentDefinition,
  type KillRecord,
} from '@foryou/experiments';
import {
  createScratchDatabase,
  ExperimentAnalysis,
  ExperimentStore,
  migrate,
  mulberry32,
  type AssignmentRow,
  type ExposureRow,
  type OutcomeRow,
  type ScratchDatabase,
} from '@foryou/experiments-store';
import {
  EXPERIMENT_KILLS_JOB,
  experimentKillsJob,
  KillSwitchStore,
  type ExperimentKill,
} from '@foryou/feed-state';
import { createLogger, createOpenMetricsRegistry, type OpenMetricsRegistry } from '@foryou/telemetry';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { ExperimentMetrics } from '../../src/experiments/experiment-metrics';
import {
  ExperimentMonitor,
  MONITOR_ACTOR,
  type ExperimentReport,
} from '../../src/experiments/experiment-monitor';

jest.setTimeout(60_000);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SHIPPED = 'recent-engaged-authors-source';
const HOUR = 3_600_000;

interface ArmPlan {
  readonly variant: string;
  readonly units: number;
  /** Probability that an exposure is followed by a hide (the hide_report_rate guardrail). */
  readonly hideRate: number;
}

/**
 * Plants one experiment's facts: an assignment per unit, two exposures per unit (with serving facts:
 * latency from one distribution in every arm, full feeds), and hides drawn per exposure from the arm's
 * rate (seeded, so every run plants the same data).
 */
async function plant(
  store: ExperimentStore,
  key: string,
  arms: readonly ArmPlan[],
  startMs: number,
  seed: number,
) {
  const rng = mulberry32(seed);
  const assignments: AssignmentRow[] = [];
  const exposures: ExposureRow[] = [];
  const outcomes: OutcomeRow[] = [];
  for (const arm of arms) {
    for (let i = 0; i < arm.units; i++) {
      const unitId = `${key}:${arm.variant}:${i}`;
      const at = startMs + Math.floor(rng() * HOUR);
      assignments.push({
        experimentKey: key,
        unitId,
        variant: arm.variant,
        layer: 'candidate-sources',
        bucket: i % 10_000,
        hashVersion: 2,
        eligibilityVersion: 1,
        assignedAt: new Date(at),
      });
      for (let j = 0; j < 2; j++) {
        const requestId = `${unitId}:r${j}`;
        const exposedAt = at + j * 60_000;
        exposures.push({
          exposureId: `${requestId}:${key}`,
          experimentKey: key,
          unitId,
          variant: arm.variant,
          requestId,
          triggered: true,
          counterfactual: arm.variant === 'control',
          exposedAt: new Date(exposedAt),
          latencyMs: 80 + rng() * 40,
          itemsReturned: 20,
          requestedItems: 20,
        });
        if (rng() < arm.hideRate) {
          outcomes.push({
            clientEventId: `${requestId}:hide`,
            unitId,
            eventType: 'hide',
            postId: 'p1',
            requestId,
            occurredAt: new Date(exposedAt + 5_000),
            receivedAt: new Date(exposedAt + 6_000),
          });
        }
      }
    }
  }
  await store.recordAssignments(assignments);
  await store.recordExposures(exposures);
  await store.recordOutcomes(outcomes);
}

/** The shipped definition (on_srm: hold, on_guardrail_critical: kill) under another key, optionally reshaped. */
function variantOf(shipped: ExperimentDefinition, key: string, over: Partial<ExperimentDefinition> = {}) {
  return ExperimentDefinitionSchema.parse({ ...shipped, key, seed: `${key}-seed`, ...over });
}

async function gauge(registry: OpenMetricsRegistry, name: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  return Object.fromEntries(
    values.map((v) => [
      Object.entries(v.labels)
        .map(([k, x]) => `${k}=${String(x)}`)
        .join(','),
      v.value,
    ]),
  );
}

const evaluated = (r: ExperimentReport | undefined) => {
  if (!r?.evaluated) {
    throw new Error(`expected an evaluated report, got ${JSON.stringify(r)}`);
  }
  return r;
};

describe('experiment monitor (scratch Postgres + Redis)', () => {
  const prefix = `foryou-test:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1 });
  const kills = new KillSwitchStore({ redis, producer: 'workers@test' });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'monitor-test',
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    }),
  });
  let db: ScratchDatabase;
  let store: ExperimentStore;
  let registry: OpenMetricsRegistry;
  let metrics: ExperimentMetrics;
  let definitions: ExperimentDefinition[];
  let monitor: ExperimentMonitor;
  const now = Date.now();

  beforeAll(async () => {
    db = await createScratchDatabase({ prefix: 'exp_monitor' });
    await migrate(db.pool);
    store = new ExperimentStore(db.pool);
    const shipped = (await loadExperiments(resolve(__dirname, '../../../../experiments'))).find(
      (d) => d.key === SHIPPED,
    );
    if (!shipped) {
      throw new Error(`${SHIPPED} is not in experiments/`);
    }
    expect(shipped.kill_switch).toEqual({ on_srm: 'hold', on_guardrail_critical: 'kill' });
    definitions = [
      variantOf(shipped, 'harm'),
      variantOf(shipped, 'srm'),
      variantOf(shipped, 'aa'),
      variantOf(shipped, 'three-arms', {
        variants: [
          { ...shipped.variants[0]!, weight: 0.4 },
          { ...shipped.variants[1]!, weight: 0.3 },
          { ...shipped.variants[1]!, key: 'treatment-b', weight: 0.3 },
        ],
      }),
      variantOf(shipped, 'draft', { status: 'draft' }),
    ];
    const start = now - 2 * HOUR;
    // Treatment hides far more than control (×6 on ~2000 exposures per arm): critical → kill.
    await plant(
      store,
      'harm',
      [
        { variant: 'control', units: 1000, hideRate: 0.02 },
        { variant: 'treatment', units: 1000, hideRate: 0.12 },
      ],
      start,
      1,
    );
    // 1000 vs 800 first exposures at 50/50 (p ≈ 2e-6), same hide rate: SRM → hold.
    await plant(
      store,
      'srm',
      [
        { variant: 'control', units: 1000, hideRate: 0.03 },
        { variant: 'treatment', units: 800, hideRate: 0.03 },
      ],
      start,
      2,
    );
    // Identical arms: nothing to do.
    await plant(
      store,
      'aa',
      [
        { variant: 'control', units: 1000, hideRate: 0.03 },
        { variant: 'treatment', units: 1000, hideRate: 0.03 },
      ],
      start,
      3,
    );
    // Only treatment-b is harmful: only that variant is killed.
    await plant(
      store,
      'three-arms',
      [
        { variant: 'control', units: 800, hideRate: 0.02 },
        { variant: 'treatment', units: 600, hideRate: 0.02 },
        { variant: 'treatment-b', units: 600, hideRate: 0.15 },
      ],
      start,
      4,
    );
    registry = createOpenMetricsRegistry();
    metrics = new ExperimentMetrics(registry);
    monitor = new ExperimentMonitor({
      loadDefinitions: () => Promise.resolve(definitions),
      store,
      analysis: new ExperimentAnalysis(db.pool),
      kills,
      metrics,
      logger,
      now: () => now,
    });
  });

  afterAll(async () => {
    await db.drop();
    const raw = new Redis(REDIS_URL);
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) {
      await raw.del(...keys);
    }
    for (const c of [raw, redis]) {
      const ended = once(c, 'end');
      await c.quit();
      await ended;
    }
  });

  let first: Awaited<ReturnType<ExperimentMonitor['runOnce']>>;
  const report = (key: string) => first.experiments.find((e) => e.key === key);

  it('runs over the running experiments only', async () => {
    first = await monitor.runOnce();
    expect(first.errors).toEqual([]);
    expect(first.result).toBe('ok');
    expect(first.experiments.map((e) => e.key).sort()).toEqual(['aa', 'harm', 'srm', 'three-arms']);
    expect(await gauge(registry, 'foryou_experiment_monitor_runs_total')).toEqual({ 'result=ok': 1 });
  });

  it('kills an experiment whose guardrail is critical with anytime-valid evidence, once', async () => {
    const harm = evaluated(report('harm'));
    const hide = harm.guardrails.find((g) => g.key === 'hide_report_rate');
    expect(hide).toMatchObject({ level: 'critical', action: 'kill' });
    const [comparison] = hide?.comparisons ?? [];
    if (!comparison?.evaluated) {
      throw new Error('hide_report_rate was not evaluated');
    }
    expect(comparison.ci[0]).toBeGreaterThan(0.05); // the whole interval beyond critical (relative +5%)
    expect(harm.actions).toEqual({ guardrail: 'kill' });

    const records = await kills.list();
    const killed = records.filter((r) => r.experiment_key === 'harm');
    expect(killed).toEqual([
      expect.objectContaining<Partial<KillRecord>>({
        kill_id: 'harm._experiment',
        variant: null,
        automatic: true,
        actor: MONITOR_ACTOR,
        created_at_ms: now,
      }),
    ]);
    expect(killed[0]?.reason).toMatch(
      /^guardrail hide_report_rate critical: treatment − control \(relative\)/,
    );
    expect(harm.kills.map((k) => k.kill_id)).toEqual(['harm._experiment']);

    // The audit row travels through the outbox, committed with the kill.
    const envelopes = (await redis.xrange(DEFAULT_OUTBOX_STREAM, '-', '+'))
      .map(([, f]) => parseEnvelope(f[f.indexOf('event') + 1]))
      .filter((e) => e?.type === EXPERIMENT_KILLS_JOB);
    expect(envelopes.map((e) => e?.businessKey).sort()).toEqual([
      'harm._experiment',
      'three-arms.treatment-b',
    ]);
    expect(envelopes.find((e) => e?.businessKey === 'harm._experiment')).toMatchObject({
      producer: 'workers@test',
      payload: { kill: killed[0] },
    });
    expect(await gauge(registry, 'foryou_experiment_kills_total')).toEqual({
      'experiment=harm,automatic=true': 1,
      'experiment=three-arms,automatic=true': 1,
    });
    expect(await gauge(registry, 'foryou_experiment_guardrail_level')).toMatchObject({
      'experiment=harm,guardrail=hide_report_rate': 2,
      'experiment=harm,guardrail=empty_feed_rate': 0,
    });
    expect(
      logs
        .filter((l) => l['msg'] === 'experiment killed automatically')
        .map((l) => l['kill_id'])
        .sort(),
    ).toEqual(['harm._experiment', 'three-arms.treatment-b']);

    // Writing the audit row (what the workers do with the envelope) makes the kill split the window.
    const envelope = envelopes.find((e) => e?.businessKey === 'harm._experiment');
    const job = experimentKillsJob(store);
    await expect(job.handle(envelope?.payload as ExperimentKill, {} as HandlerContext)).resolves.toBe(
      'applied',
    );
    const periods = await new ExperimentAnalysis(db.pool).periods({ experimentKey: 'harm' });
    expect(periods.map((p) => p.from?.getTime() ?? null)).toEqual([null, now]);
  });

  it('kills only the harmful variant when other treatment arms remain', () => {
    const three = evaluated(report('three-arms'));
    const hide = three.guardrails.find((g) => g.key === 'hide_report_rate');
    expect(hide?.comparisons.map((c) => [c.variant, c.evaluated && c.level])).toEqual([
      ['treatment', 'ok'],
      ['treatment-b', 'critical'],
    ]);
    expect(three.kills).toEqual([
      expect.objectContaining({ kill_id: 'three-arms.treatment-b', variant: 'treatment-b', automatic: true }),
    ]);
  });

  it('holds (does not kill) on SRM, as the shipped definition says, and exports the p-value', async () => {
    const srm = evaluated(report('srm'));
    expect(srm.srm).toMatchObject({
      evaluated: true,
      action: 'hold',
      result: { flagged: true, observed: [1000, 800] },
    });
    expect(srm.actions).toEqual({ srm: 'hold' });
    expect(srm.kills).toEqual([]);
    expect((await kills.list()).filter((r) => r.experiment_key === 'srm')).toEqual([]);
    const p = (await gauge(registry, 'foryou_experiment_srm_p_value'))['experiment=srm'];
    expect(p).toBeLessThan(0.001);
    const actions = await gauge(registry, 'foryou_experiment_monitor_action');
    expect(actions['experiment=srm,signal=srm,action=hold']).toBe(1);
    expect(actions['experiment=srm,signal=srm,action=kill']).toBe(0);
    expect(
      logs.some((l) => l['experiment'] === 'srm' && String(l['msg']).startsWith('experiment held')),
    ).toBe(true);
  });

  it('does nothing on A/A data (every guardrail evaluated, all ok)', async () => {
    const aa = evaluated(report('aa'));
    expect(aa.actions).toEqual({});
    expect(aa.kills).toEqual([]);
    expect(aa.srm).toMatchObject({ evaluated: true, action: 'none', result: { flagged: false } });
    expect(aa.guardrails.map((g) => [g.key, g.level])).toEqual([
      ['hide_report_rate', 'ok'],
      ['feed_latency_p99', 'ok'],
      ['empty_feed_rate', 'ok'],
    ]);
    const actions = await gauge(registry, 'foryou_experiment_monitor_action');
    expect(Object.entries(actions).filter(([k, v]) => k.startsWith('experiment=aa,') && v !== 0)).toEqual([]);
    expect((await gauge(registry, 'foryou_experiment_srm_p_value'))['experiment=aa']).toBeGreaterThan(0.001);
  });

  it('does not kill again while killed, and evaluates a partly killed experiment on its new period', async () => {
    const second = await monitor.runOnce();
    expect(second.result).toBe('ok');
    expect(second.experiments.find((e) => e.key === 'harm')).toEqual({
      key: 'harm',
      evaluated: false,
      skipped: 'killed',
    });
    const three = evaluated(second.experiments.find((e) => e.key === 'three-arms'));
    // After the variant kill: the remaining arms, from the kill on (no data yet: nothing to judge).
    expect(three.activeArms).toEqual(['control', 'treatment']);
    expect(three.fromMs).toBe(now);
    expect(three.srm).toMatchObject({ evaluated: true, result: { judged: false } });
    expect(three.guardrails.find((g) => g.key === 'hide_report_rate')).toMatchObject({
      level: 'not_evaluated',
      comparisons: [
        {
          variant: 'treatment',
          evaluated: false,
          reason: expect.stringContaining('too few units') as unknown,
        },
      ],
    });
    const levels = await gauge(registry, 'foryou_experiment_guardrail_level');
    expect(levels).toMatchObject({ 'experiment=three-arms,guardrail=hide_report_rate': -1 });
    // The killed experiment's series are gone: no alert reads a level or SRM p from before its kill.
    expect(Object.keys(levels).filter((k) => k.startsWith('experiment=harm,'))).toEqual([]);
    expect((await gauge(registry, 'foryou_experiment_srm_p_value'))['experiment=harm']).toBeUndefined();
    expect(second.experiments.flatMap((e) => (e.evaluated ? e.kills : []))).toEqual([]);
    expect((await kills.list()).filter((r) => r.automatic)).toHaveLength(2);
  });

  it('counts and logs a failed run (Postgres unreachable) instead of throwing', async () => {
    const down = new Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 2000,
    });
    const broken = new ExperimentMonitor({
      loadDefinitions: () => Promise.resolve([definitions[2]!]),
      store: new ExperimentStore(down),
      analysis: new ExperimentAnalysis(down),
      kills,
      metrics,
      logger,
    });
    try {
      const run = await broken.runOnce();
      expect(run.result).toBe('error');
      expect(run.errors).toEqual([
        { experiment: 'aa', message: expect.stringContaining('ECONNREFUSED') as unknown },
      ]);
      expect(await gauge(registry, 'foryou_experiment_monitor_runs_total')).toMatchObject({
        'result=error': 1,
      });
      expect(logs.some((l) => l['msg'] === 'experiment monitor run failed' && l['experiment'] === 'aa')).toBe(
        true,
      );
    } finally {
      await down.end();
    }
  });
});
