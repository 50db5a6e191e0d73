import type { PipelineRecord } from '@foryou/candidate-pipeline';
import {
  applyKills,
  assign,
  EMPTY_KILL_SWITCH_STATE,
  evaluateTrigger,
  toAssignmentRecord,
  toExposureEvent,
  type AssignmentContext,
  type AssignmentRecord,
  type ExperimentAssignment,
  type ExperimentDefinition,
  type ExposureEvent,
  type KillAwareDefinition,
  type KillSwitchState,
  type ParamOverrides,
  type ServingFacts,
} from '@foryou/experiments';
import type { ExposureSink } from '@foryou/feed-state';
import { RecordExperimentExposuresSideEffect } from '../pipeline/side-effects/record-experiment-exposures.side-effect';
import type { ForYouQuery } from '../query/for-you-query';
import type { HomeMixerMetrics } from '../telemetry/metrics';
import { triggerSignals } from './trigger-signals';

export interface ExperimentsOptions {
  /** Validated definitions (`loadExperiments`), fixed for the life of the process. */
  readonly definitions: readonly ExperimentDefinition[];
  /** The current kill state (a `KillSwitchWatcher`'s `current`); default: nothing killed. */
  readonly killState?: () => KillSwitchState;
  readonly metrics: HomeMixerMetrics;
  /** In-process mode only: where the exposure side effect writes when run without the outbox. */
  readonly exposureSink?: ExposureSink;
}

/** What the entry needs from the experiments for one request. */
export interface RequestExperiments {
  /** The experiments the viewer is in (`inAnalysis`), sorted by key. */
  readonly experiments: readonly ExperimentAssignment[];
  /** Overrides for the params snapshot (control's for experiments the viewer is not in). */
  readonly params: ParamOverrides;
  /** `key=variant;…` for the version vector and spans; undefined when in none. */
  readonly label: string | undefined;
}

/**
 * home-mixer's experiments module: assigns each request at the entry (pure GrowthBook-v2 hashing over
 * the definitions with the current kill state applied, so every process and restart agrees) and, after
 * the pipeline, builds the exposure side effect with the trigger evaluated from what every arm ran.
 */
export class Experiments {
  private _killState: KillSwitchState | undefined;
  private _live: readonly KillAwareDefinition[] = [];
  private readonly _byKey: ReadonlyMap<string, ExperimentDefinition>;

  constructor(private readonly _o: ExperimentsOptions) {
    this._byKey = new Map(_o.definitions.map((d) => [d.key, d]));
  }

  get definitions(): readonly ExperimentDefinition[] {
    return this._o.definitions;
  }

  assign(viewerId: string, context: AssignmentContext): RequestExperiments {
    if (this._o.definitions.length === 0) {
      return { experiments: [], params: {}, label: undefined };
    }
    const result = assign(viewerId, this.liveDefinitions(), context);
    const experiments: ExperimentAssignment[] = [];
    for (const a of result.assignments) {
      this._o.metrics.experimentAssignment(a.experimentKey, a.variant, a.status);
      if (a.inAnalysis) {
        experiments.push(a);
      }
    }
    return {
      experiments,
      params: result.params,
      label:
        experiments.length > 0
          ? experiments.map((a) => `${a.experimentKey}=${a.variant}`).join(';')
          : undefined,
    };
  }

  /**
   * The exposure side effect of a served request: one exposure per experiment the request is in, with
   * `triggered` from the definition's trigger (counterfactual in control) and the serving facts; and the
   * viewer's assignment records. Null when the request is in no experiment or is a debug request.
   */
  exposureEffect(
    query: ForYouQuery,
    record: PipelineRecord,
    serving: ServingFacts,
  ): RecordExperimentExposuresSideEffect | null {
    if (query.experiments.length === 0 || query.debug) {
      return null;
    }
    const signals = triggerSignals(query, record);
    const versionVector = Object.fromEntries(
      Object.entries(query.versionVector).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const exposures: ExposureEvent[] = [];
    const assignments: AssignmentRecord[] = [];
    for (const a of query.experiments) {
      const definition = this._byKey.get(a.experimentKey);
      if (!definition) {
        continue;
      }
      const exposure = toExposureEvent(a, {
        unitId: query.viewerId,
        requestId: query.requestId,
        triggered: evaluateTrigger(definition.trigger, signals),
        versionVector,
        exposedAtMs: query.requestTimeMs,
        serving,
      });
      const assignment = toAssignmentRecord(query.viewerId, a, query.requestTimeMs);
      if (exposure && assignment) {
        exposures.push(exposure);
        assignments.push(assignment);
      }
    }
    return exposures.length === 0
      ? null
      : new RecordExperimentExposuresSideEffect(exposures, assignments, this._o.exposureSink);
  }

  /** Counts committed exposures (call once the response's side effects were accepted). */
  exposed(effect: RecordExperimentExposuresSideEffect): void {
    for (const e of effect.exposures) {
      this._o.metrics.experimentExposure(e.experiment_key, e.variant, e.triggered);
    }
  }

  /** The definitions with the current kill state applied; recomputed only when the state changes. */
  private liveDefinitions(): readonly KillAwareDefinition[] {
    const state = this._o.killState?.() ?? EMPTY_KILL_SWITCH_STATE;
    if (state !== this._killState) {
      this._live = applyKills(this._o.definitions, state);
      this._killState = state;
    }
    return this._live;
  }
}
