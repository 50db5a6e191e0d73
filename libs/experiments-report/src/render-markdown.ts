/**
 * The report as Markdown (GitHub flavour): the same sections as the HTML page, in the same order
 * (health first), with tables instead of charts. Every piece of text is escaped.
 */
import {
  absoluteText,
  armText,
  DECISION_LABELS,
  guardrailThresholds,
  HEALTH_LABELS,
  judgedText,
  pText,
  relativeText,
  scaleText,
  sectionTitle,
  periodCountRows,
  statisticsRows,
  unitsText,
  verdictText,
} from './cells';
import { escapeMarkdown as md } from './escape';
import { fmtDuration, fmtInt, fmtNum, fmtP, fmtPct, fmtRange, fmtTime } from './format';
import type { ExperimentReport } from './types';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => md(c, false)).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

function heading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${md(text)}`;
}

/** A fenced code block whose fence is longer than any backtick run in `text`. */
function code(text: string, lang: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

function summary(r: ExperimentReport): string[] {
  return [
    heading(2, sectionTitle('summary')),
    ...r.recommendations.map(
      (rec) =>
        `- **${md(rec.treatment)}: ${md(DECISION_LABELS[rec.decision])}**${rec.reasons.map((x) => `\n  - ${md(x)}`).join('')}`,
    ),
  ];
}

function health(r: ExperimentReport): string[] {
  const h = r.health;
  const out = [
    heading(2, `${sectionTitle('health')}: ${HEALTH_LABELS[h.status]}`),
    h.issues.length === 0 ? 'No problem found.' : h.issues.map((i) => `- ${md(i)}`).join('\n'),
    heading(
      3,
      `Sample ratio mismatch (χ² against the active arms' weights, flagged at p < ${h.srmByDay.threshold})`,
    ),
    table(
      ['check', 'period', 'arms', 'observed', 'expected', 'weights', 'χ²', 'p', 'judged', 'flagged'],
      [...h.srm, ...h.funnel].map((c) => [
        c.label,
        String(c.period + 1),
        c.arms.join(' / '),
        c.observed.map(fmtInt).join(' / '),
        c.expected.map((e) => fmtNum(e, 6)).join(' / '),
        c.weights.map((w) => fmtNum(w)).join(' / '),
        fmtNum(c.chiSquare),
        fmtP(c.pValue),
        judgedText(c),
        c.flagged ? `YES (${c.reasons.join(', ')})` : 'no',
      ]),
    ),
    heading(3, 'Assignment → exposure funnel'),
    table(
      ['period', 'arm', 'assigned', 'exposed', 'exposure rate', 'triggered', 'exposed without assignment'],
      h.funnel.flatMap((f) =>
        f.arms.map((arm, i) => [
          String(f.period + 1),
          arm,
          fmtInt(f.assigned[i] ?? 0),
          fmtInt(f.observed[i] ?? 0),
          fmtPct(f.exposureRates[i] ?? null, 1, false),
          fmtInt(f.triggered[i] ?? 0),
          i === 0 ? fmtInt(f.exposedWithoutAssignment) : '',
        ]),
      ),
    ),
    heading(3, 'SRM by day (first exposures)'),
    h.srmByDay.worstDay === null
      ? 'No day could be judged.'
      : `Worst day ${md(h.srmByDay.worstDay.day)}: p = ${fmtP(h.srmByDay.worstDay.pValue)} (Bonferroni over the judged days: ${fmtP(h.srmByDay.worstDay.bonferroniP)}).`,
    table(
      ['day', 'period', 'observed', 'p', 'judged', 'flagged'],
      h.srmByDay.days.map((d) => [
        d.day,
        String(d.period + 1),
        d.observed.map(fmtInt).join(' / '),
        fmtP(d.pValue),
        d.judged ? 'yes' : 'no',
        d.flagged ? 'YES' : 'no',
      ]),
    ),
    heading(3, 'Multiple exposures'),
    `${fmtInt(h.multipleExposure.unitsMultipleExposed)} of ${fmtInt(h.multipleExposure.unitsExposed)} exposed units saw more than one variant (${fmtPct(h.multipleExposure.rate, 2, false)}; unhealthy at ${fmtPct(h.multipleExposure.threshold, 0, false)}): ${h.multipleExposure.unhealthy ? '**unhealthy**' : 'ok'}. ${fmtInt(h.multipleExposure.unitsVariantMismatch)} unit(s) were served a variant other than their assignment; ${fmtInt(h.multipleExposure.unitsWithoutAssignment)} exposed unit(s) have no assignment.`,
    heading(3, 'Sample vs minimum'),
    table(
      ['arm', 'ITT units', 'minimum', 'shortfall', 'ok'],
      h.minimumSample.arms.map((a) => [
        a.arm,
        fmtInt(a.n),
        fmtInt(h.minimumSample.required),
        fmtInt(a.shortfall),
        a.ok ? 'yes' : 'no',
      ]),
    ),
  ];
  return out;
}

function decision(r: ExperimentReport): string[] {
  const goals = r.metrics.filter((m) => m.role !== 'guardrail');
  const guards = r.metrics.filter((m) => m.role === 'guardrail');
  return [
    heading(2, sectionTitle('decision')),
    r.comparisonWindows
      .map(
        (w) =>
          `- ${md(w.treatments.join(', '))} vs control over ${md(fmtTime(w.from, 'the start'))} → ${md(fmtTime(w.to, 'now'))}`,
      )
      .join('\n'),
    heading(3, 'Goal metrics (ITT)'),
    table(
      [
        'role',
        'metric',
        'treatment',
        'units C / T',
        'control',
        'treatment value',
        'absolute lift [CI]',
        'relative lift [CI]',
        'p',
        'Holm p',
        'BH q',
        'verdict',
      ],
      goals.flatMap((m) =>
        m.comparisons.map((c) => [
          m.role,
          m.key,
          c.treatment,
          `${unitsText(c.itt.control, m.kind)} / ${unitsText(c.itt.treatment, m.kind)}`,
          armText(c.itt.control, m.kind),
          armText(c.itt.treatment, m.kind),
          absoluteText(c.itt.absolute),
          relativeText(c.itt.relative),
          pText(c.itt.absolute?.pValue ?? null),
          pText(c.itt.holmP),
          pText(c.itt.bhQ),
          verdictText(c.itt),
        ]),
      ),
    ),
    md(r.correction.description),
    heading(3, 'Guardrails (ITT, anytime-valid non-inferiority)'),
    table(
      [
        'metric',
        'treatment',
        'control',
        'treatment value',
        'fixed-horizon lift [CI]',
        'anytime-valid interval',
        'margin / warning / critical',
        'looks',
        'level',
        'non-inferiority',
        'action',
      ],
      guards.flatMap((m) =>
        m.comparisons.map((c) => {
          const g = c.guardrail;
          return [
            m.key,
            c.treatment,
            armText(c.itt.control, m.kind),
            armText(c.itt.treatment, m.kind),
            g?.scale === 'relative' ? relativeText(c.itt.relative) : absoluteText(c.itt.absolute),
            g === null ? '' : fmtRange(g.interval, (x) => scaleText(x, g.scale)),
            g === null ? '' : guardrailThresholds(g),
            g === null ? '' : String(g.looks),
            g?.level ?? 'n/a',
            g?.nonInferiority ?? 'n/a',
            `${g?.action ?? 'none'}${g?.note ? ` (${g.note})` : ''}`,
          ];
        }),
      ),
    ),
    r.metrics
      .map((m) => `- **${md(m.key)}** (${md(m.direction)}): ${md(m.description)} — ${md(m.measure)}`)
      .join('\n'),
  ];
}

function ittVsTriggered(r: ExperimentReport): string[] {
  return [
    heading(2, sectionTitle('itt-vs-triggered')),
    `- **Intent to treat (ITT).** ${md(r.estimands.itt)}`,
    `- **Triggered.** ${md(r.estimands.triggered)}`,
    table(
      [
        'metric',
        'treatment',
        'ITT units C / T',
        'ITT relative lift [CI]',
        'ITT p (Holm)',
        'triggered units C / T',
        'triggered relative lift [CI]',
        'triggered p (Holm)',
      ],
      r.metrics.flatMap((m) =>
        m.comparisons.map((c) => [
          m.key,
          c.treatment,
          `${unitsText(c.itt.control, m.kind)} / ${unitsText(c.itt.treatment, m.kind)}`,
          relativeText(c.itt.relative),
          `${pText(c.itt.absolute?.pValue ?? null)}${m.role === 'guardrail' ? '' : ` (${pText(c.itt.holmP)})`}`,
          `${unitsText(c.triggered.control, m.kind)} / ${unitsText(c.triggered.treatment, m.kind)}`,
          relativeText(c.triggered.relative),
          `${pText(c.triggered.absolute?.pValue ?? null)}${m.role === 'guardrail' ? '' : ` (${pText(c.triggered.holmP)})`}`,
        ]),
      ),
    ),
  ];
}

function cuped(r: ExperimentReport): string[] {
  const c = r.cuped;
  if (c === null) {
    return [
      heading(2, sectionTitle('cuped')),
      'No pre-period covariate stored for this experiment: no CUPED.',
    ];
  }
  return [
    heading(2, sectionTitle('cuped')),
    `Adjusted: ${md(c.estimand)}. θ is pooled over both arms.`,
    table(
      [
        'treatment',
        'population',
        'θ',
        'correlation',
        'variance reduction',
        'unadjusted Δ [CI]',
        'CUPED Δ [CI]',
        'CI width',
        'CUPED CI width',
        'width ratio',
      ],
      c.comparisons.map((x) => [
        x.treatment,
        x.population,
        fmtNum(x.theta),
        fmtNum(x.correlation, 3),
        fmtPct(x.varianceReduction, 1, false),
        absoluteText(x.unadjusted),
        absoluteText(x.adjusted),
        fmtNum(x.ciWidthUnadjusted),
        fmtNum(x.ciWidthAdjusted),
        `${fmtNum(x.ciWidthRatio, 3)}${x.note === null ? '' : ` (${x.note})`}`,
      ]),
    ),
  ];
}

function cumulative(r: ExperimentReport): string[] {
  const out = [heading(2, sectionTitle('cumulative'))];
  if (r.cumulative.length === 0) {
    out.push('The primary metric is a quantile: no daily looks.');
  }
  for (const s of r.cumulative) {
    const f = (x: number | null): string => (s.scale === 'relative' ? fmtPct(x) : fmtNum(x));
    out.push(
      heading(3, `${s.metric}: ${s.treatment} vs control (${s.scale} lift, cumulative by day)`),
      table(
        ['day', 'units C / T', 'lift', 'CI of the look', 'confidence sequence (running)'],
        s.points.map((p) => [
          p.day,
          `${fmtInt(p.nControl)} / ${fmtInt(p.nTreatment)}`,
          f(p.estimate),
          fmtRange(p.ci, f),
          fmtRange(p.cs, f),
        ]),
      ),
    );
  }
  return out;
}

function periods(r: ExperimentReport): string[] {
  const primary = r.metrics.find((m) => m.role === 'primary');
  const kind = primary?.kind ?? 'ratio';
  return [
    heading(2, sectionTitle('periods')),
    `Each kill starts a new period; the primary metric (${md(primary?.key ?? '')}, ITT) per period:`,
    table(
      [
        'period',
        'from',
        'to',
        'started by',
        'arms served',
        'per arm (units: value)',
        'relative lift vs control [CI]',
      ],
      r.periods.map((p) => [
        String(p.index + 1),
        fmtTime(p.from, 'start'),
        fmtTime(p.to, 'now'),
        p.startedBy.join(', ') || '—',
        p.activeArms.join(', ') || 'none',
        p.primary.map((v) => `${v.arm} (${unitsText(v, kind)}): ${armText(v, kind)}`).join('; '),
        p.comparisons.map((c) => `${c.treatment}: ${relativeText(c.itt.relative)}`).join('; ') || '—',
      ]),
    ),
  ];
}

function timeline(r: ExperimentReport): string[] {
  const t = r.timeline;
  return [
    heading(2, sectionTitle('timeline')),
    table(
      ['time', 'event'],
      t.events.map((e) => [fmtTime(e.at), e.label]),
    ),
    `Ramp: step ${t.ramp.currentStep + 1} of ${t.ramp.steps.length} (${t.ramp.steps.map((s) => `${s.percent}%`).join(' → ')}); ${fmtNum(t.ramp.hoursObserved, 3)} h of exposures observed. Gates to advance: ${t.ramp.gates.canAdvance ? 'pass' : `blocked by ${md(t.ramp.gates.failures.join(', '))}`}.`,
  ];
}

function inputs(r: ExperimentReport): string[] {
  const out = [
    heading(2, sectionTitle('inputs')),
    `Content hash (sha256 of the canonical JSON of \`inputs\` in report.json): \`${r.contentHash}\`. Every number above is recomputed from these inputs by \`buildReport\`.`,
  ];
  for (const w of r.inputs.comparisons) {
    out.push(
      heading(
        3,
        `Sufficient statistics: ${w.arms.join(' vs ')}, ${fmtTime(w.from, 'start')} → ${fmtTime(w.to, 'now')}`,
      ),
    );
    for (const [key, input] of Object.entries(w.metrics)) {
      const { header, rows } = statisticsRows(input, w.arms);
      out.push(`**${md(key)}** (${input.kind})`, table(header, rows));
    }
  }
  const periodCounts = periodCountRows(r);
  out.push(
    heading(3, 'Counts per period'),
    table(periodCounts.header, periodCounts.rows),
    heading(3, 'All inputs (the definition, the kills and every sufficient statistic)'),
    code(JSON.stringify(r.inputs, null, 2), 'json'),
    heading(3, 'Generation'),
    `Generated ${md(fmtTime(r.generatedAt))}.`,
    table(
      ['step', 'time'],
      r.timings.map((t) => [t.step, fmtDuration(t.ms)]),
    ),
  );
  return out;
}

/** The whole report as one Markdown document. */
export function renderMarkdown(report: ExperimentReport): string {
  const e = report.experiment;
  const header = [
    `# ${md(`Experiment report: ${e.key}`)}`,
    `> ${md(e.hypothesis)}`,
    table(
      ['', ''],
      [
        ['owner', e.owner],
        ['status', e.status],
        ['arms', e.arms.map((a) => `${a.key} (${fmtNum(a.weight)})`).join(', ')],
        ['trigger', e.trigger],
        ['window', `${fmtTime(report.window.from, 'start')} → ${fmtTime(report.window.to, 'now')}`],
        [
          'exposures',
          `${fmtInt(report.window.exposures)} (${fmtTime(report.window.firstExposure)} → ${fmtTime(report.window.lastExposure)})`,
        ],
        ['α / SRM threshold / N*', `${e.alpha} / ${e.srmThreshold} / ${e.nStar}`],
        ['content hash', report.contentHash],
      ],
    ),
  ];
  return `${[
    ...header,
    ...summary(report),
    ...health(report),
    ...decision(report),
    ...ittVsTriggered(report),
    ...cuped(report),
    ...cumulative(report),
    ...periods(report),
    ...timeline(report),
    ...inputs(report),
  ].join('\n\n')}\n`;
}
