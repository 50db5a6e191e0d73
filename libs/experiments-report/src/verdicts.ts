/**
 * The report's decision logic, as small pure functions. Statistics come in already computed; these
 * functions only apply the rules (experiments.md §2, Spotify's rule: ship iff the primary metric is
 * significantly better and every guardrail is significantly non-inferior; SRM invalidates everything).
 */
import type { GuardrailLevel, KillSwitchAction } from '@foryou/experiments';
import type { NonInferiorityStatus } from '@foryou/experiments-stats';
import type { Decision, HealthStatus, Num, Recommendation, Verdict } from './types';

export type Direction = 'higher-is-better' | 'lower-is-better';

/**
 * Verdict of a goal metric: `better` / `worse` when the Holm-adjusted p is ≤ α, by the sign of the
 * effect and the metric's direction; `inconclusive` otherwise; `not-computable` without an estimate
 * or a p-value.
 */
export function metricVerdict(estimate: Num, adjustedP: Num, direction: Direction, alpha: number): Verdict {
  if (estimate === null || adjustedP === null) {
    return 'not-computable';
  }
  if (adjustedP > alpha || estimate === 0) {
    return 'inconclusive';
  }
  const up = estimate > 0;
  return up === (direction === 'higher-is-better') ? 'better' : 'worse';
}

export interface HealthIssue {
  readonly severity: 'unhealthy' | 'warning';
  readonly message: string;
}

/** `unhealthy` if any issue is (SRM, crossovers: the results cannot be trusted), else `warning` if any. */
export function healthStatus(issues: readonly HealthIssue[]): HealthStatus {
  if (issues.some((i) => i.severity === 'unhealthy')) {
    return 'unhealthy';
  }
  return issues.length > 0 ? 'warning' : 'healthy';
}

export interface GuardrailSignal {
  readonly key: string;
  readonly level: GuardrailLevel | null;
  readonly nonInferiority: NonInferiorityStatus | null;
  /** What the kill-switch policy prescribes for the level. */
  readonly action: KillSwitchAction;
}

export interface RecommendationInput {
  readonly treatment: string;
  /** The kill that ended the treatment (or control, or the experiment), if any. */
  readonly killed: { readonly at: string; readonly reason: string; readonly actor: string } | null;
  readonly health: HealthStatus;
  readonly healthIssues: readonly string[];
  /** The policy's action when SRM is flagged (`kill_switch.on_srm`), null when it is not flagged. */
  readonly srmAction: KillSwitchAction | null;
  readonly minimumSample: { readonly ok: boolean; readonly detail: string };
  readonly primary: { readonly key: string; readonly verdict: Verdict };
  readonly guardrails: readonly GuardrailSignal[];
}

const VERDICT_WORDS: Readonly<Record<Verdict, string>> = {
  better: 'significantly better (Holm)',
  worse: 'significantly worse (Holm)',
  inconclusive: 'no significant difference',
  'not-computable': 'not computable',
};

function decide(decision: Decision, treatment: string, reasons: string[]): Recommendation {
  return { treatment, decision, reasons };
}

/**
 * The recommendation for one treatment, first rule that applies:
 * 1. killed → `killed`; 2. unhealthy (SRM, crossovers) → `investigate`; 3. a guardrail at critical →
 * the policy's action (`kill` or `hold`); 4. a guardrail at warning → `hold`; 5. sample below the
 * minimum → `keep-running`; 6. primary worse, or a guardrail proven inferior → `do-not-ship`;
 * 7. primary better and every guardrail non-inferior → `ship`; primary better otherwise →
 * `keep-running`; 8. primary not computable → `keep-running`; else `no-detectable-effect`.
 */
export function recommend(input: RecommendationInput): Recommendation {
  const { treatment } = input;
  const reasons: string[] = [];
  if (input.killed !== null) {
    const flagged = input.guardrails.filter(
      (g) => (g.level !== null && g.level !== 'ok') || g.nonInferiority === 'inferior',
    );
    return decide('killed', treatment, [
      `ended by a kill at ${input.killed.at} (${input.killed.actor}: ${input.killed.reason}); the comparison covers the time before it`,
      `before the kill, primary metric ${input.primary.key}: ${VERDICT_WORDS[input.primary.verdict]}`,
      ...flagged.map(
        (g) =>
          `before the kill, guardrail ${g.key}: ${g.level !== null && g.level !== 'ok' ? `at ${g.level}` : 'inferior beyond its margin'}`,
      ),
      ...(input.health === 'healthy' ? [] : input.healthIssues.map((i) => `health: ${i}`)),
    ]);
  }
  if (input.health === 'unhealthy') {
    const action = input.srmAction === null ? '' : ` (kill_switch.on_srm: ${input.srmAction})`;
    return decide('investigate', treatment, [
      `health checks failed${action}: the results cannot be trusted until explained`,
      ...input.healthIssues,
    ]);
  }
  if (input.health === 'warning') {
    reasons.push(...input.healthIssues.map((i) => `health warning: ${i}`));
  }
  const critical = input.guardrails.filter((g) => g.level === 'critical');
  if (critical.length > 0) {
    const action = critical.some((g) => g.action === 'kill') ? 'kill' : 'hold';
    return decide(action, treatment, [
      ...critical.map((g) => `guardrail ${g.key} reached critical (kill_switch: ${g.action})`),
      ...reasons,
    ]);
  }
  const warning = input.guardrails.filter((g) => g.level === 'warning');
  if (warning.length > 0) {
    return decide('hold', treatment, [
      ...warning.map((g) => `guardrail ${g.key} reached warning: hold the ramp`),
      ...reasons,
    ]);
  }
  if (!input.minimumSample.ok) {
    return decide('keep-running', treatment, [
      `minimum sample not reached: ${input.minimumSample.detail}`,
      ...reasons,
    ]);
  }
  const inferior = input.guardrails.filter((g) => g.nonInferiority === 'inferior');
  if (input.primary.verdict === 'worse' || inferior.length > 0) {
    return decide('do-not-ship', treatment, [
      ...(input.primary.verdict === 'worse'
        ? [`primary metric ${input.primary.key} is significantly worse`]
        : []),
      ...inferior.map((g) => `guardrail ${g.key} is inferior beyond its margin`),
      ...reasons,
    ]);
  }
  const unproven = input.guardrails.filter((g) => g.nonInferiority !== 'non-inferior');
  if (input.primary.verdict === 'better') {
    if (unproven.length === 0) {
      return decide('ship', treatment, [
        `primary metric ${input.primary.key} is significantly better (Holm)`,
        'every guardrail is non-inferior (anytime-valid)',
        ...reasons,
      ]);
    }
    return decide('keep-running', treatment, [
      `primary metric ${input.primary.key} is significantly better (Holm)`,
      ...unproven.map((g) => `guardrail ${g.key} is not yet proven non-inferior`),
      ...reasons,
    ]);
  }
  if (input.primary.verdict === 'not-computable') {
    return decide('keep-running', treatment, [
      `primary metric ${input.primary.key} is not computable yet`,
      ...reasons,
    ]);
  }
  return decide('no-detectable-effect', treatment, [
    `primary metric ${input.primary.key}: no significant difference at the planned sample`,
    ...reasons,
  ]);
}
