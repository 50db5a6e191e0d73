/**
 * The report as ONE self-contained HTML page: inline CSS and inline SVG charts, no script, no external
 * font, image or stylesheet. Sections follow `SECTIONS` (health first). Every piece of text goes
 * through `escapeHtml`.
 */
import {
  absoluteParts,
  armParts,
  armText,
  DECISION_LABELS,
  guardrailThresholds,
  HEALTH_LABELS,
  judgedText,
  pText,
  relativeParts,
  relativeText,
  scaleText,
  SECTIONS,
  sectionTitle,
  periodCountRows,
  statisticsRows,
  unitsParts,
  unitsText,
  VERDICT_LABELS,
  type Parts,
  type SectionId,
} from './cells';
import { cumulativeLiftChart, srmByDayChart, timelineChart } from './charts';
import { escapeHtml as esc } from './escape';
import { fmtDuration, fmtInt, fmtNum, fmtP, fmtPct, fmtRange, fmtTime } from './format';
import type { Comparison, Decision, ExperimentReport, GuardrailResult, HealthStatus } from './types';

const CSS = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff; --panel: #f9fafb;
  --good: #047857; --good-bg: #d1fae5; --bad: #b91c1c; --bad-bg: #fee2e2; --warn: #92400e; --warn-bg: #fef3c7;
  --info: #1e40af; --info-bg: #dbeafe; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
p { margin: 8px 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.hypothesis { color: #374151; max-width: 900px; border-left: 4px solid var(--line); padding-left: 12px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; font-size: 14px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
nav { margin: 14px 0 0; font-size: 14px; display: flex; flex-wrap: wrap; gap: 6px 14px; }
nav a { color: var(--info); text-decoration: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--panel); }
.card h3 { margin: 0 0 6px; display: flex; align-items: center; gap: 10px; }
.card ul { margin: 4px 0 0; padding-left: 20px; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 13px; font-weight: 600; white-space: nowrap; }
.good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted { color: var(--muted); }
.badge.good { background: var(--good-bg); } .badge.bad { background: var(--bad-bg); }
.badge.warn { background: var(--warn-bg); } .badge.neutral { background: var(--line); color: #374151; }
.issues { margin: 8px 0; padding-left: 20px; }
.scroll { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; vertical-align: bottom; }
td.primary { font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
td .sub { color: var(--muted); font-size: 12px; }
tr.group td { background: #f3f4f6; font-weight: 600; }
figure { margin: 12px 0 20px; max-width: 820px; }
figcaption { color: var(--muted); font-size: 13px; }
.note { color: var(--muted); font-size: 13px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--info); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; max-height: 480px; }
.estimands { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.estimands div { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--panel); font-size: 14px; }
@media (max-width: 800px) { .estimands { grid-template-columns: 1fr; } main { padding: 16px; } }
`;

const DECISION_CLASS: Readonly<Record<Decision, string>> = {
  ship: 'good',
  'do-not-ship': 'bad',
  'no-detectable-effect': 'neutral',
  'keep-running': 'warn',
  hold: 'warn',
  kill: 'bad',
  investigate: 'bad',
  killed: 'bad',
};

const HEALTH_CLASS: Readonly<Record<HealthStatus, string>> = {
  healthy: 'good',
  warning: 'warn',
  unhealthy: 'bad',
};

function badge(text: string, cls: string): string {
  return `<span class="badge ${cls}">${esc(text)}</span>`;
}

interface Cell {
  readonly text: string;
  /** A second, smaller line (an interval, a count). */
  readonly sub?: string;
  readonly num?: boolean;
  readonly cls?: string;
}

type CellLike = string | Cell;

function td(c: CellLike): string {
  const cell = typeof c === 'string' ? { text: c } : c;
  const classes = [cell.num ? 'num' : '', cell.cls ?? ''].filter((x) => x !== '').join(' ');
  const sub = cell.sub === undefined || cell.sub === '' ? '' : `<div class="sub">${esc(cell.sub)}</div>`;
  return `<td${classes === '' ? '' : ` class="${classes}"`}>${esc(cell.text)}${sub}</td>`;
}

function table(header: readonly string[], rows: readonly (readonly CellLike[])[]): string {
  return (
    `<div class="scroll"><table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('')}</tbody></table></div>`
  );
}

const n = (text: string, cls?: string): Cell => ({ text, num: true, ...(cls === undefined ? {} : { cls }) });

/** A numeric cell from a value and its second line. */
const np = ([text, sub]: Parts): Cell => ({ text, sub, num: true });

function section(id: SectionId, body: string, extraTitle = ''): string {
  const index = SECTIONS.findIndex(([s]) => s === id) + 1;
  return `<section id="${id}"><h2>${index}. ${esc(sectionTitle(id))}${extraTitle}</h2>${body}</section>`;
}

function verdictCell(c: Comparison): Cell {
  const cls = c.verdict === 'better' ? 'good' : c.verdict === 'worse' ? 'bad' : 'muted';
  return {
    text: c.note === null ? VERDICT_LABELS[c.verdict] : `${VERDICT_LABELS[c.verdict]} — ${c.note}`,
    cls,
  };
}

function levelCell(g: GuardrailResult | null): Cell {
  const level = g?.level ?? null;
  return {
    text: level ?? 'n/a',
    cls: level === 'ok' ? 'good' : level === 'warning' ? 'warn' : level === 'critical' ? 'bad' : 'muted',
  };
}

function niCell(g: GuardrailResult | null): Cell {
  const s = g?.nonInferiority ?? null;
  return { text: s ?? 'n/a', cls: s === 'non-inferior' ? 'good' : s === 'inferior' ? 'bad' : 'warn' };
}

function header(r: ExperimentReport): string {
  const e = r.experiment;
  const meta: [string, string][] = [
    ['Owner', e.owner],
    ['Status', e.status],
    [
      'Arms',
      e.arms
        .map((a) => `${a.key} (${fmtNum(a.weight)})${a.description === null ? '' : `: ${a.description}`}`)
        .join(' · '),
    ],
    ['Trigger', e.trigger],
    ['Window', `${fmtTime(r.window.from, 'start')} → ${fmtTime(r.window.to, 'now')}`],
    [
      'Exposures',
      `${fmtInt(r.window.exposures)} rows, ${fmtTime(r.window.firstExposure)} → ${fmtTime(r.window.lastExposure)}`,
    ],
    [
      'Analysis',
      `α = ${e.alpha} · SRM threshold ${e.srmThreshold} · mSPRT N* = ${e.nStar} · attribution window ${e.attributionWindowHours} h`,
    ],
    ['Generated', `${fmtTime(r.generatedAt)} · content hash ${r.contentHash.slice(0, 16)}…`],
  ];
  return (
    `<header><h1>Experiment report: <code>${esc(e.key)}</code></h1>` +
    `<p class="hypothesis">${esc(e.hypothesis)}</p>` +
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>` +
    `<nav>${SECTIONS.map(([id, title], i) => `<a href="#${id}">${i + 1}. ${esc(title)}</a>`).join('')}</nav></header>`
  );
}

function summary(r: ExperimentReport): string {
  const cards = r.recommendations
    .map(
      (rec) =>
        `<div class="card"><h3>${esc(rec.treatment)} ${badge(DECISION_LABELS[rec.decision], DECISION_CLASS[rec.decision])}</h3>` +
        `<ul>${rec.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`,
    )
    .join('');
  return section('summary', `<div class="cards">${cards}</div>`);
}

function health(r: ExperimentReport): string {
  const h = r.health;
  const srmRows = [...h.srm, ...h.funnel].map((c) => [
    c.label,
    n(String(c.period + 1)),
    c.arms.join(' / '),
    n(c.observed.map(fmtInt).join(' / ')),
    n(c.expected.map((e) => fmtNum(e, 6)).join(' / ')),
    n(c.weights.map((w) => fmtNum(w)).join(' / ')),
    n(fmtNum(c.chiSquare)),
    n(fmtP(c.pValue), c.flagged ? 'bad' : ''),
    judgedText(c),
    { text: c.flagged ? `flagged: ${c.reasons.join(', ')}` : 'ok', cls: c.flagged ? 'bad' : 'good' },
  ]);
  const funnelRows = h.funnel.flatMap((f) =>
    f.arms.map((arm, i) => [
      n(String(f.period + 1)),
      arm,
      n(fmtInt(f.assigned[i] ?? 0)),
      n(fmtInt(f.observed[i] ?? 0)),
      n(fmtPct(f.exposureRates[i] ?? null, 1, false)),
      n(fmtInt(f.triggered[i] ?? 0)),
    ]),
  );
  const m = h.multipleExposure;
  const worst = h.srmByDay.worstDay;
  const body = [
    `<p>${badge(HEALTH_LABELS[h.status], HEALTH_CLASS[h.status])}</p>`,
    h.issues.length === 0
      ? '<p class="good">No problem found: the arms received the traffic they were configured for.</p>'
      : `<ul class="issues">${h.issues.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`,
    `<h3>Sample ratio mismatch</h3><p class="note">${esc(`χ² goodness of fit against the configured weights of the arms active in each period (a killed arm has weight 0); flagged at p < ${h.srmByDay.threshold}.`)}</p>`,
    table(
      ['check', 'period', 'arms', 'observed', 'expected', 'weights', 'χ²', 'p', 'judged', 'result'],
      srmRows,
    ),
    `<h3>SRM by day</h3>`,
    `<figure>${srmByDayChart(h.srmByDay.days, h.srmByDay.threshold)}<figcaption>${esc(
      worst === null
        ? 'No day had enough first exposures to be judged.'
        : `Worst day ${worst.day}: p = ${fmtP(worst.pValue)}; ${fmtP(worst.bonferroniP)} after Bonferroni over the judged days.`,
    )}${esc(
      h.srmByDay.days.some((d) => !d.judged)
        ? ' Days without a bar were not judged: fewer than 8 units per active arm, or a single active arm after a kill. Red bars are flagged days.'
        : ' Red bars are flagged days.',
    )}</figcaption></figure>`,
    `<h3>Assignment → exposure funnel</h3>`,
    table(['period', 'arm', 'assigned', 'exposed', 'exposure rate', 'triggered'], funnelRows),
    `<h3>Multiple exposures</h3><p>${esc(
      `${fmtInt(m.unitsMultipleExposed)} of ${fmtInt(m.unitsExposed)} exposed units saw more than one variant (${fmtPct(m.rate, 2, false)}; unhealthy at ${fmtPct(m.threshold, 0, false)}). ${fmtInt(m.unitsVariantMismatch)} unit(s) were served a variant other than their assignment; ${fmtInt(m.unitsWithoutAssignment)} exposed unit(s) have no assignment.`,
    )} ${badge(m.unhealthy ? 'unhealthy' : 'ok', m.unhealthy ? 'bad' : 'good')}</p>`,
    `<h3>Sample vs minimum</h3>`,
    table(
      ['arm', 'ITT units', 'minimum per arm', 'shortfall', ''],
      h.minimumSample.arms.map((a) => [
        a.arm,
        n(fmtInt(a.n)),
        n(fmtInt(h.minimumSample.required)),
        n(fmtInt(a.shortfall)),
        { text: a.ok ? 'reached' : 'not reached', cls: a.ok ? 'good' : 'warn' },
      ]),
    ),
  ];
  return section('health', body.join(''));
}

/** The treatment column is shown only when there is more than one treatment. */
function treatmentColumn(r: ExperimentReport): boolean {
  return r.comparisonWindows.flatMap((w) => w.treatments).length > 1;
}

function decision(r: ExperimentReport): string {
  const goals = r.metrics.filter((m) => m.role !== 'guardrail');
  const guards = r.metrics.filter((m) => m.role === 'guardrail');
  const many = treatmentColumn(r);
  const who = (treatment: string): CellLike[] => (many ? [treatment] : []);
  const windows = r.comparisonWindows
    .map(
      (w) =>
        `${w.treatments.join(', ')} vs control over ${fmtTime(w.from, 'the start')} → ${fmtTime(w.to, 'now')}`,
    )
    .join('; ');
  const goalRows = goals.flatMap((m) =>
    m.comparisons.map((c) => [
      { text: m.key, sub: m.role, cls: m.role === 'primary' ? 'primary' : '' },
      ...who(c.treatment),
      np(unitsParts(c.itt.control, c.itt.treatment, m.kind)),
      np(armParts(c.itt.control, m.kind)),
      np(armParts(c.itt.treatment, m.kind)),
      np(absoluteParts(c.itt.absolute)),
      np(relativeParts(c.itt.relative)),
      n(pText(c.itt.absolute?.pValue ?? null)),
      n(pText(c.itt.holmP)),
      n(pText(c.itt.bhQ)),
      verdictCell(c.itt),
    ]),
  );
  const guardRows = guards.flatMap((m) =>
    m.comparisons.map((c) => {
      const g = c.guardrail;
      return [
        m.key,
        ...who(c.treatment),
        np(armParts(c.itt.control, m.kind)),
        np(armParts(c.itt.treatment, m.kind)),
        np(g?.scale === 'relative' ? relativeParts(c.itt.relative) : absoluteParts(c.itt.absolute)),
        n(g === null ? '—' : fmtRange(g.interval, (x) => scaleText(x, g.scale))),
        n(g === null ? '—' : guardrailThresholds(g)),
        n(String(g?.looks ?? 0)),
        levelCell(g),
        niCell(g),
        { text: g?.action ?? 'none', sub: g?.note ?? '', cls: g?.action === 'kill' ? 'bad' : '' },
      ];
    }),
  );
  const level = `${Math.round((1 - r.experiment.alpha) * 100)}%`;
  const body = [
    `<p class="note">${esc(`Comparison window: ${windows}. Lifts are treatment − control with ${level} confidence intervals (Welch–Satterthwaite; ratios and relative lifts by the delta method).`)}</p>`,
    '<h3>Goal metrics (ITT)</h3>',
    table(
      [
        'metric',
        ...(many ? ['treatment'] : []),
        'units C / T',
        'control',
        'treatment',
        'absolute lift [CI]',
        'relative lift [CI]',
        'p',
        'Holm p',
        'BH q',
        'verdict',
      ],
      goalRows,
    ),
    `<p class="note">${esc(r.correction.description)}</p>`,
    '<h3>Guardrails (ITT, anytime-valid non-inferiority)</h3>',
    table(
      [
        'metric',
        ...(many ? ['treatment'] : []),
        'control',
        'treatment',
        'fixed-horizon lift [CI]',
        'anytime-valid interval',
        'margin / warning / critical',
        'looks',
        'level',
        'non-inferiority',
        'action',
      ],
      guardRows,
    ),
    `<p class="note">${esc('Anytime-valid interval: running intersection of the mSPRT confidence sequences over the daily looks (one look for quantiles), on the guardrail’s scale; a level is reached only when the whole interval is beyond it, and non-inferiority needs the whole interval on the good side of the margin.')}</p>`,
    `<details><summary>Metric definitions</summary><ul>${r.metrics
      .map(
        (m) =>
          `<li><code>${esc(m.key)}</code> (${esc(m.role)}, ${esc(m.direction)}): ${esc(m.description)} — ${esc(m.measure)}</li>`,
      )
      .join('')}</ul></details>`,
  ];
  return section('decision', body.join(''));
}

function ittVsTriggered(r: ExperimentReport): string {
  const many = treatmentColumn(r);
  const holm = (role: string, p: number | null): string => (role === 'guardrail' ? '' : `Holm ${pText(p)}`);
  const rows = r.metrics.flatMap((m) =>
    m.comparisons.map((c) => [
      m.key,
      ...(many ? [c.treatment] : []),
      np(unitsParts(c.itt.control, c.itt.treatment, m.kind)),
      np(relativeParts(c.itt.relative)),
      { text: pText(c.itt.absolute?.pValue ?? null), sub: holm(m.role, c.itt.holmP), num: true },
      np(unitsParts(c.triggered.control, c.triggered.treatment, m.kind)),
      np(relativeParts(c.triggered.relative)),
      { text: pText(c.triggered.absolute?.pValue ?? null), sub: holm(m.role, c.triggered.holmP), num: true },
      verdictCell(c.triggered),
    ]),
  );
  const body = [
    `<div class="estimands"><div><strong>Intent to treat (ITT).</strong> ${esc(r.estimands.itt)}</div><div><strong>Triggered.</strong> ${esc(r.estimands.triggered)}</div></div>`,
    table(
      [
        'metric',
        ...(many ? ['treatment'] : []),
        'ITT units C / T',
        'ITT relative lift [CI]',
        'ITT p',
        'triggered units C / T',
        'triggered relative lift [CI]',
        'triggered p',
        'triggered verdict',
      ],
      rows,
    ),
  ];
  return section('itt-vs-triggered', body.join(''));
}

function cuped(r: ExperimentReport): string {
  const c = r.cuped;
  if (c === null) {
    return section(
      'cuped',
      '<p class="note">No pre-period covariate is stored for this experiment: no CUPED.</p>',
    );
  }
  const rows = c.comparisons.map((x) => [
    x.treatment,
    x.population,
    n(fmtNum(x.theta)),
    n(fmtNum(x.correlation, 3)),
    n(fmtPct(x.varianceReduction, 1, false)),
    np(absoluteParts(x.unadjusted)),
    np(absoluteParts(x.adjusted)),
    n(`${fmtNum(x.ciWidthUnadjusted)} → ${fmtNum(x.ciWidthAdjusted)}`),
    {
      text: fmtNum(x.ciWidthRatio, 3),
      sub: x.note ?? '',
      num: true,
      cls: x.ciWidthRatio !== null && x.ciWidthRatio < 1 ? 'good' : '',
    },
  ]);
  return section(
    'cuped',
    `<p>${esc(`Adjusted: ${c.estimand}. θ = cov(y, x)/var(x) pooled over both arms; the estimand is unchanged, only noise is removed.`)}</p>` +
      table(
        [
          'treatment',
          'population',
          'θ',
          'corr(y, x)',
          'variance reduction',
          'unadjusted Δ [CI]',
          'CUPED Δ [CI]',
          'CI width: unadjusted → CUPED',
          'width ratio',
        ],
        rows,
      ),
  );
}

function cumulative(r: ExperimentReport): string {
  if (r.cumulative.length === 0) {
    return section('cumulative', '<p class="note">The primary metric is a quantile: no daily looks.</p>');
  }
  const body = r.cumulative.map(
    (s) =>
      `<figure>${cumulativeLiftChart(s, r.experiment.alpha)}<figcaption>${esc(
        `${s.metric}: ${s.treatment} vs control, ${s.scale} lift of the ITT population, cumulated to the end of each UTC day. ` +
          'The band is the fixed-horizon interval of each look (valid for one look only); the dashed lines are the anytime-valid confidence sequence, valid however often the experiment is looked at.',
      )}</figcaption></figure>`,
  );
  return section('cumulative', body.join(''));
}

function periods(r: ExperimentReport): string {
  const primary = r.metrics.find((m) => m.role === 'primary');
  const kind = primary?.kind ?? 'ratio';
  const rows = r.periods.map((p) => [
    n(String(p.index + 1)),
    fmtTime(p.from, 'start'),
    fmtTime(p.to, 'now'),
    p.startedBy.join(', ') || '—',
    p.activeArms.join(', ') || 'none',
    p.primary.map((v) => `${v.arm} (${unitsText(v, kind)}): ${armText(v, kind)}`).join(' · '),
    n(p.comparisons.map((c) => `${c.treatment}: ${relativeText(c.itt.relative)}`).join(' · ') || '—'),
  ]);
  return section(
    'periods',
    `<p class="note">${esc(`Each kill splits the window; the primary metric (${primary?.key ?? ''}, ITT) in each period. Decisions use each treatment's comparison window (before the kill that ended it).`)}</p>` +
      table(
        [
          'period',
          'from',
          'to',
          'started by',
          'arms served',
          'per arm (units): value',
          'relative lift vs control [CI]',
        ],
        rows,
      ),
  );
}

function timeline(r: ExperimentReport): string {
  const t = r.timeline;
  const gates = t.ramp.gates;
  const body = [
    `<figure>${timelineChart(t, r.periods)}</figure>`,
    table(
      ['time', 'event'],
      t.events.map((e) => [fmtTime(e.at), { text: e.label, cls: e.kind === 'kill' ? 'bad' : '' }]),
    ),
    `<p>${esc(
      `Ramp: ${t.ramp.steps.map((s, i) => `${i === t.ramp.currentStep ? '[' : ''}${s.percent}% (≥ ${s.minDurationHours} h)${i === t.ramp.currentStep ? ']' : ''}`).join(' → ')}. ` +
        `${fmtNum(t.ramp.hoursObserved, 3)} h of exposures observed (an upper bound of the time at the current step). Gates to advance: `,
    )}${gates.canAdvance ? badge('pass', 'good') : badge(`blocked: ${gates.failures.join(', ')}`, 'warn')}</p>`,
  ];
  return section('timeline', body.join(''));
}

function inputs(r: ExperimentReport): string {
  const stats = r.inputs.comparisons
    .map((w) =>
      Object.entries(w.metrics)
        .map(([key, input]) => {
          const { header: head, rows } = statisticsRows(input, w.arms);
          return `<h3>${esc(`${key} (${input.kind}), ${w.arms.join(' vs ')}, ${fmtTime(w.from, 'start')} → ${fmtTime(w.to, 'now')}`)}</h3>${table(
            head,
            rows.map((row) => row.map((c, i) => (i < 2 ? c : n(c)))),
          )}`;
        })
        .join(''),
    )
    .join('');
  const periodCounts = periodCountRows(r);
  const counts = table(
    periodCounts.header,
    periodCounts.rows.map((row) => row.map((c, i) => (i === 1 ? c : n(c)))),
  );
  const body = [
    `<p>${esc('Content hash (sha256 of the canonical JSON of the inputs):')} <code>${esc(r.contentHash)}</code></p>`,
    `<p class="note">${esc('Every number in this report is computed by buildReport(inputs) from the per-arm sufficient statistics below (computed in SQL), the definition and the kills; the full inputs are in the last block and in report.json.')}</p>`,
    `<details open><summary>Sufficient statistics per metric</summary>${stats}</details>`,
    `<details><summary>Counts per period</summary>${counts}</details>`,
    `<details><summary>Configuration (the experiment definition)</summary><pre>${esc(JSON.stringify(r.inputs.definition, null, 2))}</pre></details>`,
    `<details><summary>All inputs (JSON)</summary><pre>${esc(JSON.stringify(r.inputs, null, 2))}</pre></details>`,
    '<h3>Generation</h3>',
    table(
      ['step', 'time'],
      r.timings.map((t) => [t.step, n(fmtDuration(t.ms))]),
    ),
  ];
  return section('inputs', body.join(''));
}

/** The whole report as one self-contained HTML document. */
export function renderHtml(report: ExperimentReport): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`Experiment report: ${report.experiment.key}`)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    header(report),
    summary(report),
    health(report),
    decision(report),
    ittVsTriggered(report),
    cuped(report),
    cumulative(report),
    periods(report),
    timeline(report),
    inputs(report),
    `<footer class="note"><p>${esc(`${report.schemaVersion} · generated ${report.generatedAt} · @foryou/experiments-report`)}</p></footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
