/**
 * Plain-text cells shared by the Markdown and HTML renderers (escaping is the renderer's job), and the
 * section list both follow, in order: health first.
 */
import { fmtInt, fmtNum, fmtP, fmtPct, fmtRange, MISSING } from './format';
import type { MetricInput } from './inputs';
import type {
  ArmValue,
  Comparison,
  Decision,
  Effect,
  ExperimentReport,
  GuardrailResult,
  HealthStatus,
  MetricReport,
  Verdict,
} from './types';

/** Section ids and titles, in report order (both renderers; tests check the order). */
export const SECTIONS = [
  ['summary', 'Recommendation'],
  ['health', 'Health'],
  ['decision', 'Decision table'],
  ['itt-vs-triggered', 'ITT vs triggered'],
  ['cuped', 'CUPED'],
  ['cumulative', 'Cumulative lift'],
  ['periods', 'Periods split at kills'],
  ['timeline', 'Kill and ramp timeline'],
  ['inputs', 'Inputs'],
] as const;

export type SectionId = (typeof SECTIONS)[number][0];

export function sectionTitle(id: SectionId): string {
  return SECTIONS.find(([s]) => s === id)?.[1] ?? id;
}

export const DECISION_LABELS: Readonly<Record<Decision, string>> = {
  ship: 'Ship',
  'do-not-ship': 'Do not ship',
  'no-detectable-effect': 'No detectable effect',
  'keep-running': 'Keep running',
  hold: 'Hold the ramp',
  kill: 'Kill',
  investigate: 'Investigate',
  killed: 'Killed',
};

export const HEALTH_LABELS: Readonly<Record<HealthStatus, string>> = {
  healthy: 'Healthy',
  warning: 'Healthy, with warnings',
  unhealthy: 'Unhealthy',
};

export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  better: 'better',
  worse: 'worse',
  inconclusive: 'inconclusive',
  'not-computable': 'n/a',
};

/** A value and its secondary line (an interval, a request count); the HTML puts the second below. */
export type Parts = readonly [main: string, sub: string];

export function joinParts([main, sub]: Parts): string {
  return sub === '' ? main : `${main} ${sub}`;
}

/** The arm's value; quantiles add their order-statistic interval. */
export function armParts(v: ArmValue, kind: MetricReport['kind']): Parts {
  return [fmtNum(v.value), kind === 'quantile' ? fmtRange(v.ci ?? [null, null]) : ''];
}

export function armText(v: ArmValue, kind: MetricReport['kind']): string {
  return joinParts(armParts(v, kind));
}

/** Units of one arm (quantiles: and requests). */
export function unitsText(v: ArmValue, kind: MetricReport['kind']): string {
  return kind === 'quantile' ? `${fmtInt(v.n)} (${fmtInt(v.requests ?? 0)} req.)` : fmtInt(v.n);
}

/** Units of control / treatment (quantiles: requests on the second line). */
export function unitsParts(c: ArmValue, t: ArmValue, kind: MetricReport['kind']): Parts {
  return [
    `${fmtInt(c.n)} / ${fmtInt(t.n)}`,
    kind === 'quantile' ? `${fmtInt(c.requests ?? 0)} / ${fmtInt(t.requests ?? 0)} req.` : '',
  ];
}

export function absoluteParts(e: Effect | null): Parts {
  return e === null ? [MISSING, ''] : [fmtNum(e.estimate), fmtRange(e.ci)];
}

export function absoluteText(e: Effect | null): string {
  return joinParts(absoluteParts(e));
}

export function relativeParts(e: Effect | null): Parts {
  return e === null ? [MISSING, ''] : [fmtPct(e.estimate), fmtRange(e.ci, (x) => fmtPct(x))];
}

export function relativeText(e: Effect | null): string {
  return joinParts(relativeParts(e));
}

export function verdictText(c: Comparison): string {
  return c.note === null ? VERDICT_LABELS[c.verdict] : `${VERDICT_LABELS[c.verdict]} (${c.note})`;
}

/** Whether an SRM check was judged, and why not: fewer than two active arms, or too few units. */
export function judgedText(check: { readonly judged: boolean; readonly weights: readonly number[] }): string {
  if (check.judged) {
    return 'yes';
  }
  return check.weights.filter((w) => w > 0).length < 2 ? 'no (one active arm)' : 'no (too few units)';
}

/** A guardrail interval on its scale. */
export function scaleText(x: number | null, scale: GuardrailResult['scale']): string {
  return scale === 'relative' ? fmtPct(x) : fmtNum(x);
}

/** "margin / warning / critical" on the guardrail's scale, e.g. "2% / 2% / 5%". */
export function guardrailThresholds(g: GuardrailResult): string {
  const f = (x: number): string => (g.scale === 'relative' ? fmtPct(x, 1, false) : fmtNum(x));
  return `${f(g.margin)} / ${f(g.warning)} / ${f(g.critical)}`;
}

export function pText(p: number | null): string {
  return fmtP(p);
}

/** The counts of each analysis period: [period, arms, ...counts per arm joined by " / "]. */
export function periodCountRows(r: ExperimentReport): { header: string[]; rows: string[][] } {
  return {
    header: [
      'period',
      'arms',
      'assignments',
      'first exposures',
      'funnel assigned',
      'funnel exposed',
      'funnel triggered',
    ],
    rows: r.inputs.periods.map((p) => [
      String(p.index + 1),
      p.arms.join(' / '),
      p.assignments.join(' / '),
      p.firstExposures.join(' / '),
      p.funnel.assigned.join(' / '),
      p.funnel.exposed.join(' / '),
      p.funnel.triggered.join(' / '),
    ]),
  };
}

/** Rows of sufficient statistics for one metric input: [arm, population, ...columns]. */
export function statisticsRows(
  input: MetricInput,
  arms: readonly string[],
): { header: string[]; rows: string[][] } {
  const pops = ['itt', 'triggered'] as const;
  switch (input.kind) {
    case 'ratio':
      return {
        header: ['arm', 'population', 'n', 'Σy', 'Σy²', 'Σx', 'Σx²', 'Σxy'],
        rows: pops.flatMap((pop) =>
          input[pop].map((m, i) => [
            arms[i] ?? '?',
            pop,
            String(m.n),
            String(m.sumY),
            String(m.sumYSq),
            String(m.sumX),
            String(m.sumXSq),
            String(m.sumXY),
          ]),
        ),
      };
    case 'mean':
      return {
        header: ['arm', 'population', 'n', 'Σy', 'Σy²'],
        rows: pops.flatMap((pop) =>
          input[pop].map((m, i) => [arms[i] ?? '?', pop, String(m.n), String(m.sum), String(m.sumSq)]),
        ),
      };
    case 'quantile':
      return {
        header: [
          'arm',
          'population',
          'requests',
          'units',
          `q${input.quantile}`,
          'lower',
          'upper',
          'σ(F̂)',
          'bounded',
        ],
        rows: pops.flatMap((pop) =>
          input[pop].map((q, i) => [
            arms[i] ?? '?',
            pop,
            String(q.n),
            String(q.units),
            q.estimate === null ? MISSING : String(q.estimate),
            q.lower === null ? MISSING : String(q.lower),
            q.upper === null ? MISSING : String(q.upper),
            q.cdfSe === null ? MISSING : String(q.cdfSe),
            String(q.bounded),
          ]),
        ),
      };
  }
}
