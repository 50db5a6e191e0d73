import {
  applyKills,
  buildKillSwitchState,
  CONTROL,
  KILL_RECORD_SCHEMA_VERSION,
  killSwitchAction,
  type ExperimentDefinition,
  type Guardrail,
  type KillRecord,
  type KillSwitchAction,
  type KillSwitchState,
  type Variant,
} from '@foryou/experiments';
import {
  splitAtKills,
  type AnalysisScope,
  type ExperimentAnalysis,
  type ExperimentStore,
  type MetricDefinition,
  type TimeWindow,
} from '@foryou/experiments-store';
import { srmTest, type Interval, type SrmResult } from '@foryou/experiments-stats';
import { killIdFor, type KillSwitchStore } from '@foryou/feed-state';
import type { Logger } from '@foryou/telemetry';
import type { ExperimentMetrics, GuardrailGaugeLevel, MonitorSignal } from './experiment-metrics';
import {
  assessLook,
  meanEffect,
  quantileEffect,
  ratioEffect,
  type EffectLook,
  type GuardrailVerdict,
} from './guardrail-evaluation';

/** The actor of automatic kills (`KillRecord.actor` with `automatic: true`). */
export const MONITOR_ACTOR = 'guardrail-monitor';

/** Units each arm needs before a guardrail is evaluated at all (below it: `not_evaluated`). */
export const DEFAULT_MIN_UNITS_PER_ARM = 100;

export interface ExperimentMonitorOptions {
  /** The definitions to watch (only `status: running` ones are evaluated). Retried each run until it succeeds. */
  readonly loadDefinitions: () => Promise<readonly ExperimentDefinition[]>;
  /** Attribution of outcomes to exposures (`attributeOutcomes`). */
  readonly store: Pick<ExperimentStore, 'attributeOutcomes'>;
  readonly analysis: Pick<
    ExperimentAnalysis,
    'firstExposureCounts' | 'ratioMoments' | 'metricMoments' | 'servingQuantile'
  >;
  /** Where kills are read (the current state) and automatic kills written. */
  readonly kills: Pick<KillSwitchStore, 'list' | 'kill'>;
  readonly metrics: ExperimentMetrics;
  readonly logger: Logger;
  /** Wall clock (kill times, windows). Default `Date.now`. */
  readonly now?: () => number;
  /** Default {@link DEFAULT_MIN_UNITS_PER_ARM}. */
  readonly minUnitsPerArm?: number;
}

/** One treatment arm against control for one guardrail. */
export type GuardrailComparison =
  | ({ readonly variant: string; readonly evaluated: true } & GuardrailVerdict)
  | { readonly variant: string; readonly evaluated: false; readonly reason: string };

export interface GuardrailReport {
  readonly key: string;
  /** Worst level over the evaluated comparisons; `not_evaluated` when none could be evaluated. */
  readonly level: GuardrailGaugeLevel;
  readonly comparisons: readonly GuardrailComparison[];
  readonly action: KillSwitchAction;
}

export type SrmReport =
  | {
      readonly evaluated: true;
      readonly arms: readonly string[];
      readonly result: SrmResult;
      readonly action: KillSwitchAction;
    }
  | { readonly evaluated: false; readonly reason: string };

export type ExperimentReport =
  | {
      readonly key: string;
      readonly evaluated: false;
      /** `killed`: the whole experiment is killed; `no_active_treatment`: every treatment arm is. */
      readonly skipped: 'killed' | 'no_active_treatment';
    }
  | {
      readonly key: string;
      readonly evaluated: true;
      /** Start of the analysed period: the last kill of the experiment (null = since the beginning). */
      readonly fromMs: number | null;
      readonly activeArms: readonly string[];
      readonly srm: SrmReport;
      readonly guardrails: readonly GuardrailReport[];
      /** What the definition prescribes at this run, by signal (`none` omitted). */
      readonly actions: Readonly<Partial<Record<MonitorSignal, KillSwitchAction>>>;
      /** Kills this run created (already-killed targets are not killed again). */
      readonly kills: readonly KillRecord[];
    };

export interface MonitorRunReport {
  readonly result: 'ok' | 'error';
  readonly experiments: readonly ExperimentReport[];
  readonly errors: readonly { readonly experiment: string | null; readonly message: string }[];
}

const ACTION_RANK: Readonly<Record<KillSwitchAction, number>> = { none: 0, warn: 1, hold: 2, kill: 3 };
const LEVEL_RANK: Readonly<Record<GuardrailGaugeLevel, number>> = {
  not_evaluated: -1,
  ok: 0,
  warning: 1,
  critical: 2,
};

const worstAction = (actions: readonly KillSwitchAction[]): KillSwitchAction =>
  actions.reduce<KillSwitchAction>((a, b) => (ACTION_RANK[b] > ACTION_RANK[a] ? b : a), 'none');

const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));
const fmtCi = (ci: Interval): string => `[${fmt(ci[0])}, ${fmt(ci[1])}]`;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The store's metric for a definition's count/sum metric. */
function metricOf(g: Guardrail): MetricDefinition | null {
  if (g.aggregate === 'quantile') {
    return null;
  }
  if (g.source === 'outcomes') {
    return { source: 'outcomes', eventTypes: g.events ?? [], aggregate: g.aggregate };
  }
  return g.signal === undefined ? null : { source: 'serving', signal: g.signal, aggregate: g.aggregate };
}

/**
 * The automatic half of the kill switches (book 6.7.8). Every run, for each running experiment that is
 * not killed, over the analysis period since its last kill (a kill splits the window) and the arms still
 * active:
 *
 * 1. attributes new outcomes to exposures (`attributeOutcomes`, the definition's attribution window);
 * 2. SRM: χ² of first exposures against the active arms' weights (`srm_threshold`) → `on_srm`;
 * 3. each guardrail, each treatment arm against control: the mSPRT confidence sequence of the effect on
 *    the guardrail's scale → `assessGuardrail` → `on_guardrail_critical` (warning → hold). A guardrail
 *    that cannot be evaluated (too few units, no control events for a relative effect, …) is reported
 *    `not_evaluated` with the reason, never skipped silently.
 *
 * A `kill` is written through `KillSwitchStore.kill` (`automatic: true`, actor `guardrail-monitor`, the
 * evidence as the reason): the breaching variant, or the whole experiment when the SRM prescribes it or
 * no treatment arm would be left. Kill ids are per target, so a target is never killed twice. `hold` and
 * `warn` are logged and exported (`foryou_experiment_monitor_action`); they do not change serving.
 * A failing run (Postgres or Redis down) is counted and logged; it never throws.
 */
export class ExperimentMonitor {
  private _definitions: readonly ExperimentDefinition[] | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _running: Promise<MonitorRunReport> | undefined;
  private _stopped = true;
  private readonly _now: () => number;
  private readonly _minUnits: number;

  constructor(private readonly _o: ExperimentMonitorOptions) {
    this._now = _o.now ?? Date.now;
    this._minUnits = _o.minUnitsPerArm ?? DEFAULT_MIN_UNITS_PER_ARM;
  }

  /** Runs now, then `intervalMs` after each run ends (runs never overlap). */
  start(intervalMs: number): void {
    if (!(intervalMs > 0)) {
      throw new RangeError(`intervalMs must be positive (got ${intervalMs})`);
    }
    this._stopped = false;
    const loop = (): void => {
      this._timer = undefined;
      void this.runOnce().finally(() => {
        if (!this._stopped) {
          this._timer = setTimeout(loop, intervalMs);
          this._timer.unref();
        }
      });
    };
    loop();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this._stopped = true;
    clearTimeout(this._timer);
    this._timer = undefined;
    await this._running;
  }

  /** One run over every running experiment; never rejects. Concurrent calls share the run in progress. */
  runOnce(): Promise<MonitorRunReport> {
    this._running ??= this.run().finally(() => {
      this._running = undefined;
    });
    return this._running;
  }

  private async run(): Promise<MonitorRunReport> {
    const startedAt = this._now();
    const errors: { experiment: string | null; message: string }[] = [];
    const experiments: ExperimentReport[] = [];
    try {
      this._definitions ??= await this._o.loadDefinitions();
      const records = await this._o.kills.list();
      for (const definition of this._definitions.filter((d) => d.status === 'running')) {
        try {
          experiments.push(await this.evaluate(definition, records));
        } catch (err) {
          errors.push({ experiment: definition.key, message: message(err) });
        }
      }
    } catch (err) {
      errors.push({ experiment: null, message: message(err) });
    }
    const result = errors.length === 0 ? 'ok' : 'error';
    this._o.metrics.run(result, startedAt);
    for (const e of errors) {
      this._o.logger.error({ experiment: e.experiment, err: e.message }, 'experiment monitor run failed');
    }
    return { result, experiments, errors };
  }

  private async evaluate(d: ExperimentDefinition, records: readonly KillRecord[]): Promise<ExperimentReport> {
    const [live] = applyKills([d], buildKillSwitchState(records));
    const kill = live?.kill;
    if (kill?.experiment) {
      this._o.metrics.actions(d.key, new Map());
      this._o.metrics.notEvaluated(
        d.key,
        d.guardrails.map((g) => g.key),
      );
      return { key: d.key, evaluated: false, skipped: 'killed' };
    }
    const active = d.variants.filter(
      (v) => v.key === CONTROL || !kill || !Object.hasOwn(kill.variants, v.key),
    );
    const treatments = active.filter((v) => v.key !== CONTROL);
    if (treatments.length === 0) {
      this._o.metrics.actions(d.key, new Map());
      this._o.metrics.notEvaluated(
        d.key,
        d.guardrails.map((g) => g.key),
      );
      return { key: d.key, evaluated: false, skipped: 'no_active_treatment' };
    }
    const window = currentPeriod(d.key, records);
    const scope: AnalysisScope = {
      experimentKey: d.key,
      arms: active.map((v) => v.key),
      ...(window.from ? { window: { from: window.from } } : {}),
    };
    await this._o.store.attributeOutcomes(d.key, d.attribution_window_hours * 3_600_000);

    const srm = await this.srm(d, scope, active);
    if (srm.evaluated && srm.result.judged) {
      this._o.metrics.srmPValue(d.key, srm.result.pValue);
    }
    const guardrails: GuardrailReport[] = [];
    for (const g of d.guardrails) {
      const report = await this.guardrail(d, g, scope, treatments);
      this._o.metrics.guardrailLevel(d.key, g.key, report.level);
      guardrails.push(report);
    }

    const srmAction = srm.evaluated ? srm.action : 'none';
    const guardrailAction = worstAction(guardrails.map((g) => g.action));
    const prescribed = new Map<MonitorSignal, KillSwitchAction>([
      ['srm', srmAction],
      ['guardrail', guardrailAction],
    ]);
    this._o.metrics.actions(d.key, prescribed);
    const actions: Partial<Record<MonitorSignal, KillSwitchAction>> = {};
    for (const [signal, action] of prescribed) {
      if (action !== 'none') {
        actions[signal] = action;
      }
    }
    const fromMs = window.from?.getTime() ?? null;
    const summary = {
      experiment: d.key,
      from_ms: fromMs,
      active_arms: scope.arms,
      srm: srm.evaluated
        ? {
            judged: srm.result.judged,
            p_value: srm.result.pValue,
            counts: srm.result.observed,
            action: srm.action,
          }
        : { not_evaluated: srm.reason },
      guardrails: guardrails.map((g) => ({
        key: g.key,
        level: g.level,
        action: g.action,
        comparisons: g.comparisons.map((c) =>
          c.evaluated
            ? { variant: c.variant, level: c.level, estimate: c.estimate, ci: c.ci, n: c.n }
            : { variant: c.variant, not_evaluated: c.reason },
        ),
      })),
    };
    this._o.logger.info(summary, 'experiment monitored');
    for (const [signal, action] of prescribed) {
      if (action === 'hold' || action === 'warn') {
        this._o.logger.warn(
          { experiment: d.key, signal, action },
          action === 'hold'
            ? 'experiment held: its ramp must not advance (serving is unchanged)'
            : 'experiment warning (serving is unchanged)',
        );
      }
    }
    const created = await this.killAsPrescribed(d, srm, guardrails, treatments, records);
    return {
      key: d.key,
      evaluated: true,
      fromMs,
      activeArms: scope.arms,
      srm,
      guardrails,
      actions,
      kills: created,
    };
  }

  private async srm(
    d: ExperimentDefinition,
    scope: AnalysisScope,
    active: readonly Variant[],
  ): Promise<SrmReport> {
    const { counts } = await this._o.analysis.firstExposureCounts(scope);
    const result = srmTest(
      counts,
      active.map((v) => v.weight),
      { threshold: d.analysis.srm_threshold },
    );
    const action = result.flagged ? killSwitchAction(d.kill_switch, { kind: 'srm' }) : 'none';
    return { evaluated: true, arms: scope.arms, result, action };
  }

  private async guardrail(
    d: ExperimentDefinition,
    g: Guardrail,
    scope: AnalysisScope,
    treatments: readonly Variant[],
  ): Promise<GuardrailReport> {
    const looks = await this.looks(d, g, scope, treatments);
    const comparisons: GuardrailComparison[] = looks.map(({ variant, look }) =>
      look.ok
        ? { variant, evaluated: true, ...assessLook(g, look.look, d.analysis) }
        : { variant, evaluated: false, reason: look.reason },
    );
    const levels = comparisons.filter((c) => c.evaluated).map((c) => c.level);
    const level = levels.reduce<GuardrailGaugeLevel>(
      (worst, l) => (LEVEL_RANK[l] > LEVEL_RANK[worst] ? l : worst),
      levels.length === 0 ? 'not_evaluated' : 'ok',
    );
    const action =
      level === 'not_evaluated' ? 'none' : killSwitchAction(d.kill_switch, { kind: 'guardrail', level });
    return { key: g.key, level, comparisons, action };
  }

  /** The effect of each treatment arm against control, from one query for all arms. */
  private async looks(
    d: ExperimentDefinition,
    g: Guardrail,
    scope: AnalysisScope,
    treatments: readonly Variant[],
  ): Promise<{ variant: string; look: EffectLook }[]> {
    const controlIndex = scope.arms.indexOf(CONTROL);
    const per = <M>(arms: readonly M[], effect: (control: M, treatment: M) => EffectLook) =>
      treatments.map((t) => {
        const c = arms[controlIndex];
        const x = arms[scope.arms.indexOf(t.key)];
        return {
          variant: t.key,
          look:
            c === undefined || x === undefined
              ? { ok: false as const, reason: 'arm missing from the query' }
              : safe(() => effect(c, x)),
        };
      });
    if (g.aggregate === 'quantile') {
      if (g.signal !== 'latency_ms' && g.signal !== 'items_returned') {
        return notEvaluated(treatments, `a quantile of signal ${String(g.signal)} cannot be computed`);
      }
      if (g.quantile === undefined) {
        return notEvaluated(treatments, 'the quantile guardrail has no `quantile`');
      }
      const q = await this._o.analysis.servingQuantile(
        scope,
        { signal: g.signal, quantile: g.quantile },
        { alpha: d.analysis.alpha },
      );
      return per(q.itt, (c, t) => quantileEffect(c, t, g.scale, d.analysis.alpha, this._minUnits));
    }
    const metric = metricOf(g);
    if (metric === null) {
      return notEvaluated(treatments, 'the guardrail has no metric the analysis can compute');
    }
    if (g.denominator === 'exposures') {
      const m = await this._o.analysis.ratioMoments(scope, metric, { source: 'exposures' });
      return per(m.itt, (c, t) => ratioEffect(c, t, g.scale, this._minUnits));
    }
    const m = await this._o.analysis.metricMoments(scope, metric);
    return per(m.itt, (c, t) => meanEffect(c, t, g.scale, this._minUnits));
  }

  private async killAsPrescribed(
    d: ExperimentDefinition,
    srm: SrmReport,
    guardrails: readonly GuardrailReport[],
    treatments: readonly Variant[],
    records: readonly KillRecord[],
  ): Promise<KillRecord[]> {
    const reasonsByVariant = new Map<string, string[]>();
    for (const g of guardrails.filter((r) => r.action === 'kill')) {
      for (const c of g.comparisons) {
        if (c.evaluated && c.level === 'critical') {
          const list = reasonsByVariant.get(c.variant) ?? [];
          list.push(guardrailReason(d, g.key, c));
          reasonsByVariant.set(c.variant, list);
        }
      }
    }
    const experimentReasons: string[] = [];
    if (srm.evaluated && srm.action === 'kill') {
      experimentReasons.push(srmReason(srm.arms, srm.result));
    }
    const wholeExperiment =
      experimentReasons.length > 0 ||
      (reasonsByVariant.size > 0 && treatments.every((t) => reasonsByVariant.has(t.key)));
    const targets: { variant: string | null; reason: string }[] = wholeExperiment
      ? [
          {
            variant: null,
            reason: [...experimentReasons, ...[...reasonsByVariant.values()].flat()].join(' | '),
          },
        ]
      : [...reasonsByVariant].map(([variant, reasons]) => ({ variant, reason: reasons.join(' | ') }));

    const state: KillSwitchState = buildKillSwitchState(records);
    const created: KillRecord[] = [];
    for (const target of targets) {
      if (alreadyKilled(state, d.key, target.variant)) {
        continue;
      }
      const record: KillRecord = {
        schema_version: KILL_RECORD_SCHEMA_VERSION,
        kill_id: killIdFor(d.key, target.variant),
        experiment_key: d.key,
        variant: target.variant,
        reason: target.reason,
        actor: MONITOR_ACTOR,
        automatic: true,
        created_at_ms: this._now(),
      };
      const result = await this._o.kills.kill(record);
      if (result.created) {
        created.push(result.record);
        this._o.metrics.automaticKill(d.key);
        this._o.logger.error(
          { experiment: d.key, variant: target.variant, kill_id: record.kill_id, reason: record.reason },
          'experiment killed automatically',
        );
      }
    }
    return created;
  }
}

function safe(effect: () => EffectLook): EffectLook {
  try {
    return effect();
  } catch (err) {
    // The statistics refuse impossible inputs (e.g. n < 2) with a RangeError: report it, do not guess.
    if (err instanceof RangeError) {
      return { ok: false, reason: err.message };
    }
    throw err;
  }
}

function notEvaluated(
  treatments: readonly Variant[],
  reason: string,
): { variant: string; look: EffectLook }[] {
  return treatments.map((t) => ({ variant: t.key, look: { ok: false, reason } }));
}

function alreadyKilled(state: KillSwitchState, key: string, variant: string | null): boolean {
  if (Object.hasOwn(state.experiments, key)) {
    return true;
  }
  return variant !== null && state.variants[key]?.[variant] !== undefined;
}

/** The current analysis period of an experiment: from its last kill (of any target) on. */
function currentPeriod(key: string, records: readonly KillRecord[]): TimeWindow {
  const periods = splitAtKills(
    {},
    records
      .filter((r) => r.experiment_key === key)
      .map((r) => ({
        killId: r.kill_id,
        experimentKey: r.experiment_key,
        variant: r.variant,
        reason: r.reason,
        actor: r.actor,
        automatic: r.automatic,
        createdAt: new Date(r.created_at_ms),
      })),
  );
  const last = periods[periods.length - 1];
  return last?.from ? { from: last.from } : {};
}

function guardrailReason(
  d: ExperimentDefinition,
  key: string,
  c: Extract<GuardrailComparison, { evaluated: true }>,
): string {
  const g = d.guardrails.find((x) => x.key === key);
  const side = g?.direction === 'higher-is-better' ? 'below −' : 'above +';
  return (
    `guardrail ${key} critical: ${c.variant} − control (${g?.scale ?? '?'}) = ${fmt(c.estimate)}, ` +
    `${Math.round((1 - d.analysis.alpha) * 100)}% anytime-valid interval ${fmtCi(c.ci)} lies wholly ` +
    `${side}${fmt(g?.critical ?? NaN)} (critical); n = ${c.n} units`
  );
}

function srmReason(arms: readonly string[], r: SrmResult): string {
  const counts = arms.map((a, i) => `${a} ${r.observed[i] ?? 0}`).join(', ');
  return `SRM: first exposures ${counts} vs weights ${r.weights.map(fmt).join('/')}, χ² = ${fmt(r.chiSquare)}, p = ${r.pValue.toExponential(2)} < ${r.threshold}`;
}
