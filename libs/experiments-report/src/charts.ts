/**
 * Inline SVG charts (no script, no external resource): the cumulative lift with its interval band, the
 * SRM p-value by day against the threshold, and the kill/ramp timeline. Every text is escaped. Each
 * builder returns a complete `<svg>` element sized by `viewBox` (it scales to its container).
 */
import { escapeHtml as esc } from './escape';
import { fmtNum, fmtPct } from './format';
import type { CumulativeSeries, Num, PeriodReport, SrmDayPoint, TimelineReport } from './types';

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const COLORS = {
  axis: '#6b7280',
  grid: '#e5e7eb',
  text: '#374151',
  line: '#1d4ed8',
  band: '#bfdbfe',
  cs: '#7c3aed',
  ok: '#9ca3af',
  bad: '#dc2626',
  faint: '#e5e7eb',
  exposure: '#93c5fd',
  exposureAlt: '#c4b5fd',
  good: '#059669',
};

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const r1 = (x: number): string => (Math.round(x * 10) / 10).toString();

function open(frame: Frame, title: string, description: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} ${frame.height}" ` +
    `width="100%" role="img" font-family="${esc(FONT)}" font-size="12">` +
    `<title>${esc(title)}</title><desc>${esc(description)}</desc>`
  );
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    return [min];
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

/** Labels for `n` points on an axis of `width` px: every k-th, so that labels of ~`labelPx` do not overlap. */
function labelEvery(n: number, width: number, labelPx: number): number {
  return Math.max(1, Math.ceil((n * labelPx) / Math.max(1, width)));
}

function polyline(points: readonly (readonly [number, number])[], attrs: string): string {
  return points.length === 0
    ? ''
    : `<polyline points="${points.map(([x, y]) => `${r1(x)},${r1(y)}`).join(' ')}" ${attrs}/>`;
}

/** Consecutive runs of indices where `defined(i)` holds (lines and bands break at missing values). */
function runs(n: number, defined: (i: number) => boolean): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (defined(i)) {
      current.push(i);
    } else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) {
    out.push(current);
  }
  return out;
}

/**
 * Cumulative lift of a treatment at each daily look: the estimate (line), the fixed-horizon CI of each
 * look (band) and the running anytime-valid confidence sequence (dashed, clipped to the plot).
 */
export function cumulativeLiftChart(series: CumulativeSeries, alpha: number): string {
  const frame: Frame = { width: 760, height: 300, left: 68, right: 20, top: 34, bottom: 44 };
  const pts = series.points;
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const fmt = (x: number): string => (series.scale === 'relative' ? fmtPct(x, 1) : fmtNum(x, 3));
  const values = pts.flatMap((p) => [p.estimate, p.ci[0], p.ci[1]]).filter((v): v is number => v !== null);
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const x = (i: number): number =>
    frame.left + (pts.length <= 1 ? plotW / 2 : (i * plotW) / (pts.length - 1));
  const y = (v: number): number => frame.top + ((hi - v) / (hi - lo)) * plotH;
  const level = `${Math.round((1 - alpha) * 100)}%`;
  const parts: string[] = [
    open(
      frame,
      `Cumulative ${series.scale} lift of ${series.metric}, ${series.treatment} vs control`,
      `Daily cumulative looks; band: ${level} confidence interval of each look; dashed: ${level} anytime-valid confidence sequence.`,
    ),
    `<defs><clipPath id="clip-${esc(series.metric)}-${esc(series.treatment)}"><rect x="${frame.left}" y="${frame.top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`,
  ];
  for (const t of niceTicks(lo, hi, 6)) {
    parts.push(
      `<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${r1(y(t))}" y2="${r1(y(t))}" stroke="${t === 0 ? COLORS.axis : COLORS.grid}" stroke-width="${t === 0 ? 1.2 : 1}"/>`,
      `<text x="${frame.left - 8}" y="${r1(y(t) + 4)}" text-anchor="end" fill="${COLORS.text}">${esc(fmt(t))}</text>`,
    );
  }
  const every = labelEvery(pts.length, plotW, 56);
  pts.forEach((p, i) => {
    if (i % every === 0 || i === pts.length - 1) {
      parts.push(
        `<text x="${r1(x(i))}" y="${frame.height - frame.bottom + 18}" text-anchor="middle" fill="${COLORS.text}">${esc(p.day.slice(5))}</text>`,
      );
    }
  });
  const clip = `clip-path="url(#clip-${esc(series.metric)}-${esc(series.treatment)})"`;
  for (const run of runs(pts.length, (i) => pts[i]?.ci[0] !== null && pts[i]?.ci[1] !== null)) {
    const upper = run.map((i) => [x(i), y(pts[i]!.ci[1]!)] as const);
    const lower = [...run].reverse().map((i) => [x(i), y(pts[i]!.ci[0]!)] as const);
    const width = run.length === 1 ? 3 : 0;
    parts.push(
      `<polygon points="${[...upper, ...lower].map(([a, b]) => `${r1(a)},${r1(b)}`).join(' ')}" fill="${COLORS.band}" stroke="${COLORS.band}" stroke-width="${width}" ${clip}/>`,
    );
  }
  for (const k of [0, 1] as const) {
    for (const run of runs(pts.length, (i) => pts[i]?.cs[k] !== null)) {
      parts.push(
        polyline(
          run.map((i) => [x(i), y(pts[i]!.cs[k]!)] as const),
          `fill="none" stroke="${COLORS.cs}" stroke-width="1.5" stroke-dasharray="5 4" ${clip}`,
        ),
      );
    }
  }
  for (const run of runs(pts.length, (i) => pts[i]?.estimate !== null)) {
    parts.push(
      polyline(
        run.map((i) => [x(i), y(pts[i]!.estimate!)] as const),
        `fill="none" stroke="${COLORS.line}" stroke-width="2"`,
      ),
      ...run.map(
        (i) => `<circle cx="${r1(x(i))}" cy="${r1(y(pts[i]!.estimate!))}" r="3" fill="${COLORS.line}"/>`,
      ),
    );
  }
  const legendY = 16;
  parts.push(
    `<line x1="${frame.left}" x2="${frame.left + 22}" y1="${legendY}" y2="${legendY}" stroke="${COLORS.line}" stroke-width="2"/>`,
    `<text x="${frame.left + 28}" y="${legendY + 4}" fill="${COLORS.text}">${esc(series.scale)} lift</text>`,
    `<rect x="${frame.left + 120}" y="${legendY - 6}" width="22" height="12" fill="${COLORS.band}"/>`,
    `<text x="${frame.left + 148}" y="${legendY + 4}" fill="${COLORS.text}">${esc(`${level} CI of each look`)}</text>`,
    `<line x1="${frame.left + 290}" x2="${frame.left + 312}" y1="${legendY}" y2="${legendY}" stroke="${COLORS.cs}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<text x="${frame.left + 318}" y="${legendY + 4}" fill="${COLORS.text}">${esc(`${level} confidence sequence (anytime-valid)`)}</text>`,
    `<text x="${frame.left + plotW / 2}" y="${frame.height - 6}" text-anchor="middle" fill="${COLORS.axis}">cumulative look at the end of each UTC day</text>`,
    '</svg>',
  );
  return parts.join('');
}

/** −log10 p, capped so that p = 0 stays on the chart. */
function minusLog10(p: Num, cap: number): number | null {
  return p === null ? null : Math.min(cap, p <= 0 ? cap : -Math.log10(p));
}

/**
 * SRM p-value of each day's first exposures (log scale, bars), against the threshold (dashed line).
 * Red bars are flagged days; pale bars were too small to be judged. A day split by a kill shows once
 * per period.
 */
export function srmByDayChart(days: readonly SrmDayPoint[], threshold: number): string {
  const frame: Frame = { width: 760, height: 240, left: 68, right: 20, top: 30, bottom: 44 };
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const cap = 12;
  const tail = -Math.log10(threshold);
  const top = Math.min(cap, Math.max(tail + 1, ...days.map((d) => minusLog10(d.pValue, cap) ?? 0)));
  const yMax = Math.ceil(top);
  const y = (v: number): number => frame.top + plotH - (v / yMax) * plotH;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, Math.min(40, slot * 0.6));
  const parts: string[] = [
    open(
      frame,
      'SRM p-value by day',
      `Chi-square SRM test of each day's first exposures against the active arms' weights; the dashed line is p = ${threshold}.`,
    ),
  ];
  const step = Math.max(1, Math.ceil(yMax / 6));
  for (let k = 0; k <= yMax; k += step) {
    parts.push(
      `<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${r1(y(k))}" y2="${r1(y(k))}" stroke="${COLORS.grid}"/>`,
      `<text x="${frame.left - 8}" y="${r1(y(k) + 4)}" text-anchor="end" fill="${COLORS.text}">${esc(k === 0 ? '1' : `1e-${k}`)}</text>`,
    );
  }
  const repeated = new Set(days.map((d) => d.day).filter((d, i, all) => all.indexOf(d) !== i));
  const every = labelEvery(days.length, plotW, 52);
  days.forEach((d, i) => {
    const v = minusLog10(d.pValue, cap) ?? 0;
    const cx = frame.left + slot * (i + 0.5);
    const fill = !d.judged ? COLORS.faint : d.flagged ? COLORS.bad : COLORS.ok;
    const label = `${d.day}${repeated.has(d.day) ? ` (period ${d.period + 1})` : ''}: p = ${d.pValue === null ? 'n/a' : d.pValue.toExponential(2)}${d.judged ? '' : ' (not judged)'}`;
    parts.push(
      `<rect x="${r1(cx - barW / 2)}" y="${r1(y(v))}" width="${r1(barW)}" height="${r1(Math.max(1, y(0) - y(v)))}" fill="${fill}"><title>${esc(label)}</title></rect>`,
    );
    if (i % every === 0 || i === days.length - 1) {
      parts.push(
        `<text x="${r1(cx)}" y="${frame.height - frame.bottom + 18}" text-anchor="middle" fill="${COLORS.text}">${esc(`${d.day.slice(5)}${repeated.has(d.day) ? `·${d.period + 1}` : ''}`)}</text>`,
      );
    }
  });
  parts.push(
    `<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${r1(y(tail))}" y2="${r1(y(tail))}" stroke="${COLORS.bad}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${frame.width - frame.right}" y="${r1(y(tail) - 6)}" text-anchor="end" fill="${COLORS.bad}">${esc(`p = ${threshold}`)}</text>`,
    `<text x="14" y="${frame.top + plotH / 2}" transform="rotate(-90 14 ${frame.top + plotH / 2})" text-anchor="middle" fill="${COLORS.axis}">p-value (log scale)</text>`,
    `<text x="${frame.left + plotW / 2}" y="${frame.height - 6}" text-anchor="middle" fill="${COLORS.axis}">first exposures per UTC day</text>`,
    '</svg>',
  );
  return parts.join('');
}

/**
 * The timeline: the analysis periods as bars between the first and the last exposure (a kill starts a
 * new period), kills as red markers with their label, day ticks, and the ramp's current step.
 */
export function timelineChart(timeline: TimelineReport, periods: readonly PeriodReport[]): string {
  const kills = timeline.events.filter((e) => e.kind === 'kill');
  const frame: Frame = {
    width: 760,
    height: 120 + 18 * kills.length,
    left: 20,
    right: 20,
    top: 26,
    bottom: 30,
  };
  const plotW = frame.width - frame.left - frame.right;
  const times = timeline.events.map((e) => Date.parse(e.at));
  const start = Math.min(...times);
  const end = Math.max(...times);
  const span = Math.max(1, end - start);
  const x = (t: number): number => frame.left + ((t - start) / span) * plotW;
  const barY = frame.top + 18;
  const barH = 22;
  const parts: string[] = [
    open(
      frame,
      'Kill and ramp timeline',
      'Analysis periods between the first and last exposure, with kills.',
    ),
  ];
  const step = current(timeline);
  parts.push(
    `<text x="${frame.left}" y="${frame.top}" fill="${COLORS.text}" font-weight="600">${esc(step)}</text>`,
  );
  const first = timeline.events.find((e) => e.kind === 'first-exposure');
  const last = timeline.events.find((e) => e.kind === 'last-exposure');
  const lo = first === undefined ? start : Date.parse(first.at);
  const hi = last === undefined ? end : Date.parse(last.at);
  periods.forEach((p, i) => {
    const a = Math.max(lo, p.from === null ? lo : Date.parse(p.from));
    const b = Math.min(hi, p.to === null ? hi : Date.parse(p.to));
    if (b <= a) {
      return;
    }
    const label = `period ${p.index + 1}: ${p.activeArms.length > 0 ? p.activeArms.join(', ') : 'no arm'} served`;
    parts.push(
      `<rect x="${r1(x(a))}" y="${barY}" width="${r1(Math.max(1, x(b) - x(a)))}" height="${barH}" fill="${i % 2 === 0 ? COLORS.exposure : COLORS.exposureAlt}" rx="3"><title>${esc(label)}</title></rect>`,
    );
    if (x(b) - x(a) > 120) {
      parts.push(`<text x="${r1(x(a) + 6)}" y="${barY + 15}" fill="#1e3a8a">${esc(label)}</text>`);
    }
  });
  const DAY = 86_400_000;
  const firstDay = Math.floor(start / DAY) * DAY;
  const days = Math.floor((end - firstDay) / DAY) + 1;
  const every = labelEvery(days, plotW, 48);
  for (let d = 0; d < days; d += 1) {
    const t = firstDay + d * DAY;
    if (t < start) {
      continue;
    }
    parts.push(
      `<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${barY + barH}" y2="${barY + barH + 5}" stroke="${COLORS.axis}"/>`,
    );
    if (d % every === 0) {
      parts.push(
        `<text x="${r1(x(t))}" y="${barY + barH + 18}" text-anchor="middle" fill="${COLORS.text}">${esc(new Date(t).toISOString().slice(5, 10))}</text>`,
      );
    }
  }
  kills.forEach((k, i) => {
    const kx = x(Date.parse(k.at));
    const ly = barY + barH + 40 + 18 * i;
    const anchor = kx > frame.width * 0.6 ? 'end' : 'start';
    const tx = anchor === 'end' ? kx - 6 : kx + 6;
    parts.push(
      `<line x1="${r1(kx)}" x2="${r1(kx)}" y1="${barY - 6}" y2="${ly - 4}" stroke="${COLORS.bad}" stroke-width="2"/>`,
      `<polygon points="${r1(kx - 5)},${barY - 12} ${r1(kx + 5)},${barY - 12} ${r1(kx)},${barY - 4}" fill="${COLORS.bad}"/>`,
      `<text x="${r1(tx)}" y="${ly}" text-anchor="${anchor}" fill="${COLORS.bad}">${esc(`${k.at.slice(5, 16).replace('T', ' ')} UTC: ${k.variant ?? 'experiment'} killed`)}<title>${esc(k.label)}</title></text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function current(timeline: TimelineReport): string {
  const { ramp } = timeline;
  const step = ramp.steps[ramp.currentStep];
  return `Ramp step ${ramp.currentStep + 1} of ${ramp.steps.length}${step === undefined ? '' : ` (${step.percent}% of the population)`}`;
}
