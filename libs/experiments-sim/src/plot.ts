/**
 * A self-contained SVG of A/A p-values: a histogram (20 bins, with the expected count and its
 * pointwise binomial band) beside a uniform QQ plot (with the KS acceptance band
 * x ± K⁻¹(1 − level)/√n, K the asymptotic Kolmogorov distribution). Under a calibrated pipeline the
 * bars stay in the band and the QQ points hug the diagonal inside the KS band. Pure: string in,
 * string out.
 */
import { kolmogorovSf, ksUniform } from '@foryou/experiments-stats';
import { binomialUpperBound, binomialUpperTail } from './binomial';

export interface PValuePlotOptions {
  readonly title: string;
  /** Second line under the title (settings, counts). */
  readonly subtitle?: string;
  /** Level of the bands; default 0.001. */
  readonly level?: number;
  /** Histogram bins; default 20. */
  readonly bins?: number;
}

const WIDTH = 900;
const HEIGHT = 420;
const PANEL = { top: 80, size: 290 } as const;
const LEFT_X = 60;
const RIGHT_X = 540;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(x: number): string {
  return x.toFixed(2);
}

/** The y with P(K > y) = level for the asymptotic Kolmogorov distribution K (bisection). */
export function kolmogorovCritical(level: number): number {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`level must be in (0, 1) (got ${level})`);
  }
  let lo = 0.1;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (kolmogorovSf(mid) > level) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

/** Largest k with P(X < k) ≤ tail for X ~ Binomial(n, p). */
function binomialLowerBound(n: number, p: number, tail: number): number {
  let k = 0;
  while (k < n && 1 - binomialUpperTail(n, p, k + 1) <= tail) {
    k += 1;
  }
  return k;
}

function axes(x0: number, label: string, yLabel: string, yMax: string): string {
  const { top, size } = PANEL;
  return [
    `<rect x="${x0}" y="${top}" width="${size}" height="${size}" fill="none" stroke="#444"/>`,
    `<text x="${x0 + size / 2}" y="${top + size + 32}" text-anchor="middle">${escapeXml(label)}</text>`,
    `<text x="${x0 - 40}" y="${top + size / 2}" text-anchor="middle" transform="rotate(-90 ${x0 - 40} ${top + size / 2})">${escapeXml(yLabel)}</text>`,
    `<text x="${x0}" y="${top + size + 16}" text-anchor="middle">0</text>`,
    `<text x="${x0 + size}" y="${top + size + 16}" text-anchor="middle">1</text>`,
    `<text x="${x0 - 6}" y="${top + size}" text-anchor="end">0</text>`,
    `<text x="${x0 - 6}" y="${top + 10}" text-anchor="end">${escapeXml(yMax)}</text>`,
  ].join('\n');
}

function histogram(pValues: readonly number[], bins: number, level: number): string {
  const n = pValues.length;
  const counts = new Array<number>(bins).fill(0);
  for (const p of pValues) {
    counts[Math.min(bins - 1, Math.floor(p * bins))]! += 1;
  }
  const expected = n / bins;
  const upper = binomialUpperBound(n, 1 / bins, level / 2);
  const lower = binomialLowerBound(n, 1 / bins, level / 2);
  const yMax = Math.max(upper, ...counts) * 1.1;
  const { top, size } = PANEL;
  const y = (c: number): number => top + size - (c / yMax) * size;
  const w = size / bins;
  const bars = counts.map(
    (c, i) =>
      `<rect x="${fmt(LEFT_X + i * w + 1)}" y="${fmt(y(c))}" width="${fmt(w - 2)}" height="${fmt(top + size - y(c))}" fill="#4a7bd0" fill-opacity="0.8"/>`,
  );
  return [
    `<rect x="${LEFT_X}" y="${fmt(y(upper))}" width="${size}" height="${fmt(y(lower) - y(upper))}" fill="#e8e8e8"/>`,
    ...bars,
    `<line x1="${LEFT_X}" x2="${LEFT_X + size}" y1="${fmt(y(expected))}" y2="${fmt(y(expected))}" stroke="#c33" stroke-dasharray="4 3"/>`,
    axes(LEFT_X, 'p-value', 'runs per bin', String(Math.round(yMax))),
  ].join('\n');
}

function qqPlot(pValues: readonly number[], level: number): string {
  const n = pValues.length;
  const sorted = [...pValues].sort((a, b) => a - b);
  const band = kolmogorovCritical(level) / Math.sqrt(n);
  const { top, size } = PANEL;
  const px = (u: number): number => RIGHT_X + u * size;
  const py = (v: number): number => top + size - Math.min(1, Math.max(0, v)) * size;
  const bandPath = [
    `M ${fmt(px(0))} ${fmt(py(band))}`,
    `L ${fmt(px(1 - band))} ${fmt(py(1))}`,
    `L ${fmt(px(1))} ${fmt(py(1))}`,
    `L ${fmt(px(1))} ${fmt(py(1 - band))}`,
    `L ${fmt(px(band))} ${fmt(py(0))}`,
    `L ${fmt(px(0))} ${fmt(py(0))} Z`,
  ].join(' ');
  const points = sorted.map((p, i) => `${fmt(px((i + 0.5) / n))},${fmt(py(p))}`).join(' ');
  return [
    `<path d="${bandPath}" fill="#e8e8e8"/>`,
    `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#c33" stroke-dasharray="4 3"/>`,
    `<polyline points="${points}" fill="none" stroke="#4a7bd0" stroke-width="1.5"/>`,
    axes(RIGHT_X, 'uniform quantile', 'sorted p-value', '1'),
  ].join('\n');
}

/** The SVG document; throws RangeError when there is no p-value or one lies outside [0, 1]. */
export function pValuePlotSvg(pValues: readonly number[], options: PValuePlotOptions): string {
  const ks = ksUniform(pValues); // validates the values
  const level = options.level ?? 0.001;
  const bins = options.bins ?? 20;
  if (!Number.isInteger(bins) || bins < 2) {
    throw new RangeError(`bins must be an integer ≥ 2 (got ${bins})`);
  }
  const caption =
    `n = ${ks.n} · KS D = ${ks.statistic.toFixed(4)}, p = ${ks.pValue.toPrecision(3)} · ` +
    `grey: ${((1 - level) * 100).toFixed(1)} % bands (pointwise binomial; KS)`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16">${escapeXml(options.title)}</text>`,
    options.subtitle === undefined
      ? ''
      : `<text x="${WIDTH / 2}" y="44" text-anchor="middle">${escapeXml(options.subtitle)}</text>`,
    `<text x="${WIDTH / 2}" y="62" text-anchor="middle" fill="#555">${escapeXml(caption)}</text>`,
    histogram(pValues, bins, level),
    qqPlot(pValues, level),
    '</svg>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
