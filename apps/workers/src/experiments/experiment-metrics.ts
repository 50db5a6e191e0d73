import type { GuardrailLevel, KillSwitchAction } from '@foryou/experiments';
import type { OpenMetricsRegistry } from '@foryou/telemetry';
import { Counter, Gauge } from 'prom-client';

/** A guardrail's level as the gauge encodes it; `not_evaluated` when no interval could be computed. */
export type GuardrailGaugeLevel = GuardrailLevel | 'not_evaluated';

const LEVEL_VALUE: Readonly<Record<GuardrailGaugeLevel, number>> = {
  not_evaluated: -1,
  ok: 0,
  warning: 1,
  critical: 2,
};

/** The signals the monitor acts on and the actions a definition can prescribe (the action gauge's labels). */
export const MONITOR_SIGNALS = ['srm', 'guardrail'] as const;
export type MonitorSignal = (typeof MONITOR_SIGNALS)[number];
const ACTIONS: readonly Exclude<KillSwitchAction, 'none'>[] = ['warn', 'hold', 'kill'];

/**
 * The experiment metrics of the workers, registered on the workers' registry. Labels are experiment
 * keys and guardrail keys (bounded by the definitions), signals and actions; never unit or request ids.
 *
 * `foryou_experiment_kills_total` counts every kill exactly once across the fleet: an automatic kill by
 * the monitor that created it (`automatic="true"`), a manual one (admin API / CLI) by the worker that
 * wrote its Postgres audit row (`automatic="false"`).
 */
export class ExperimentMetrics {
  private readonly _level: Gauge<'experiment' | 'guardrail'>;
  private readonly _srm: Gauge<'experiment'>;
  private readonly _kills: Counter<'experiment' | 'automatic'>;
  private readonly _runs: Counter<'result'>;
  private readonly _action: Gauge<'experiment' | 'signal' | 'action'>;
  private readonly _lastSuccess: Gauge;

  constructor(registry: OpenMetricsRegistry) {
    const registers = [registry];
    this._level = new Gauge({
      name: 'foryou_experiment_guardrail_level',
      help: 'Guardrail level at the last monitor run, worst over the treatment arms: 0 ok, 1 warning, 2 critical (the anytime-valid interval lies wholly beyond the threshold), -1 not evaluated.',
      labelNames: ['experiment', 'guardrail'],
      registers,
    });
    this._srm = new Gauge({
      name: 'foryou_experiment_srm_p_value',
      help: 'p-value of the χ² sample-ratio-mismatch test of first exposures against the weights of the active arms, at the last monitor run that had enough units to judge it.',
      labelNames: ['experiment'],
      registers,
    });
    this._kills = new Counter({
      name: 'foryou_experiment_kills_total',
      help: 'Experiment kills: automatic ones when the monitor creates them, manual ones when their audit row is written.',
      labelNames: ['experiment', 'automatic'],
      registers,
    });
    this._runs = new Counter({
      name: 'foryou_experiment_monitor_runs_total',
      help: 'Experiment monitor runs by result: ok, error (a definition load or an experiment failed; logged, retried next run).',
      labelNames: ['result'],
      registers,
    });
    this._action = new Gauge({
      name: 'foryou_experiment_monitor_action',
      help: 'Actions the last monitor run prescribed, by signal (srm, guardrail) and action (warn, hold, kill): 1 prescribed, 0 not. A hold freezes the ramp; it does not change serving.',
      labelNames: ['experiment', 'signal', 'action'],
      registers,
    });
    this._lastSuccess = new Gauge({
      name: 'foryou_experiment_monitor_last_success_timestamp_seconds',
      help: 'Unix time of the last monitor run that evaluated every running experiment.',
      registers,
    });
  }

  guardrailLevel(experiment: string, guardrail: string, level: GuardrailGaugeLevel): void {
    this._level.set({ experiment, guardrail }, LEVEL_VALUE[level]);
  }

  srmPValue(experiment: string, pValue: number): void {
    this._srm.set({ experiment }, pValue);
  }

  /** The actions prescribed for one experiment at this run (every other action of it is reset to 0). */
  actions(experiment: string, prescribed: ReadonlyMap<MonitorSignal, KillSwitchAction>): void {
    for (const signal of MONITOR_SIGNALS) {
      for (const action of ACTIONS) {
        this._action.set({ experiment, signal, action }, prescribed.get(signal) === action ? 1 : 0);
      }
    }
  }

  /**
   * The experiment is no longer evaluated (killed, or no treatment arm left): its SRM and guardrail
   * series are removed, so no alert keeps reading a value from before the kill.
   */
  notEvaluated(experiment: string, guardrails: readonly string[]): void {
    this._srm.remove({ experiment });
    for (const guardrail of guardrails) {
      this._level.remove({ experiment, guardrail });
    }
  }

  automaticKill(experiment: string): void {
    this._kills.inc({ experiment, automatic: 'true' });
  }

  /** A kill's audit row was written; counts the manual ones (automatic ones were counted at creation). */
  killRecorded(kill: { readonly experiment_key: string; readonly automatic: boolean }): void {
    if (!kill.automatic) {
      this._kills.inc({ experiment: kill.experiment_key, automatic: 'false' });
    }
  }

  run(result: 'ok' | 'error', atMs: number): void {
    this._runs.inc({ result });
    if (result === 'ok') {
      this._lastSuccess.set(atMs / 1000);
    }
  }
}
