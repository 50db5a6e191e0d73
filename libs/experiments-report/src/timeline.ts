/**
 * The kill/ramp timeline: the window, the first and last exposure, every kill, and the ramp's current
 * step with its gates (`evaluateRampGates`). The definition does not record when the current step
 * started, so the time observed is the span of the exposures in the window — an upper bound of the
 * time at the step.
 */
import { evaluateRampGates, type ExperimentDefinition, type GuardrailLevel } from '@foryou/experiments';
import type { ReportInputs } from './inputs';
import type { TimelineEvent, TimelineReport } from './types';

const HOUR_MS = 3_600_000;

export interface TimelineInput {
  readonly inputs: ReportInputs;
  readonly srmFlagged: boolean;
  readonly guardrailLevels: readonly GuardrailLevel[];
  /** Analysed (ITT) units per arm. */
  readonly unitsPerArm: readonly number[];
}

export function buildTimeline({
  inputs,
  srmFlagged,
  guardrailLevels,
  unitsPerArm,
}: TimelineInput): TimelineReport {
  const { window, exposureSpan, kills } = inputs;
  const definition: ExperimentDefinition = inputs.definition;
  const events: TimelineEvent[] = [];
  if (window.from !== null) {
    events.push({ at: window.from, kind: 'window-start', label: 'analysis window starts', variant: null });
  }
  if (exposureSpan.first !== null) {
    events.push({ at: exposureSpan.first, kind: 'first-exposure', label: 'first exposure', variant: null });
  }
  for (const k of kills) {
    events.push({
      at: k.at,
      kind: 'kill',
      label: `${k.variant === null ? 'experiment' : k.variant} killed by ${k.actor}${k.automatic ? ' (automatic)' : ''}: ${k.reason}`,
      variant: k.variant,
    });
  }
  if (exposureSpan.last !== null) {
    events.push({ at: exposureSpan.last, kind: 'last-exposure', label: 'last exposure', variant: null });
  }
  if (window.to !== null) {
    events.push({ at: window.to, kind: 'window-end', label: 'analysis window ends', variant: null });
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const hoursObserved =
    exposureSpan.first === null || exposureSpan.last === null
      ? null
      : (Date.parse(exposureSpan.last) - Date.parse(exposureSpan.first)) / HOUR_MS;
  return {
    events,
    ramp: {
      currentStep: definition.ramp.current_step,
      steps: definition.ramp.steps.map((s) => ({
        percent: s.percent,
        minDurationHours: s.gates.min_duration_hours,
      })),
      hoursObserved,
      gates: evaluateRampGates(definition, {
        hoursAtStep: hoursObserved ?? 0,
        srmFlagged,
        guardrailLevels,
        unitsPerArm,
      }),
    },
  };
}
