import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { queryInstant, queryRange, type PromSeries } from './prometheus-api';

/** The parts of a committed Grafana dashboard JSON the renderer reads. */
export interface DashboardJson {
  title: string;
  uid: string;
  panels: {
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    fieldConfig?: {
      defaults?: { unit?: string; thresholds?: { steps?: { value: number | null; color: string }[] } };
    };
    targets: { expr: string; legendFormat?: string }[];
  }[];
}

export interface RenderOptions {
  readonly prometheus: string;
  readonly startSec: number;
  readonly endSec: number;
}

const WIDTH = 1600;
const COLUMN = WIDTH / 24;
const ROW = 34;
const HEADER = 56;
const FONT = 'DejaVu Sans';

/** `{{label}}` legend templates as Grafana fills them. */
export function legendOf(template: string | undefined, metric: Record<string, string>): string {
  if (!template) {
    return JSON.stringify(metric);
  }
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => metric[k] ?? '');
}

function formatValue(value: number, unit: string | undefined): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  switch (unit ?? 'short') {
    case 'percentunit':
      return `${(value * 100).toFixed(value > 0.999 && value < 1 ? 3 : 2)}%`;
    case 's':
      return value < 1 ? `${(value * 1000).toFixed(0)} ms` : `${value.toFixed(2)} s`;
    case 'bytes':
      return `${(value / 2 ** 20).toFixed(0)} MiB`;
    default:
      return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
  }
}

/** Grafana's `$__rate_interval` for this render: at least 4 scrapes of 1 s … 15 s and one step. */
function rateInterval(stepSec: number): string {
  return `${Math.max(60, stepSec * 4)}s`;
}

function panelSvg(
  panel: DashboardJson['panels'][number],
  series: { name: string; points: [number, number][] }[],
  instant: { name: string; value: number }[],
  width: number,
  height: number,
): string {
  const unit = panel.fieldConfig?.defaults?.unit;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const steps = panel.fieldConfig?.defaults?.thresholds?.steps ?? [];
  const threshold = steps.find((s) => s.value !== null)?.value;
  /** Grafana's rule: the colour of the last step whose value is ≤ the value (null = −∞). */
  const colourOf = (v: number): string => {
    let colour = 'green';
    for (const s of steps) {
      if (s.value === null || v >= s.value) {
        colour = s.color;
      }
    }
    return colour === 'red' ? '#c4162a' : '#37872d';
  };
  if (panel.type === 'stat') {
    const lines = instant.length === 0 ? [{ name: 'no data', value: NaN }] : instant.slice(0, 6);
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      title: { text: panel.title, left: 8, top: 6, textStyle: { fontFamily: FONT, fontSize: 14 } },
      graphic: lines.map((l, i) => ({
        type: 'text',
        left: 16,
        top: 40 + i * Math.min(40, (height - 50) / lines.length),
        style: {
          text: `${l.name}: ${Number.isNaN(l.value) ? '—' : formatValue(l.value, unit)}`,
          fontFamily: FONT,
          fontSize: lines.length > 3 ? 15 : 22,
          fill: Number.isNaN(l.value) ? '#888888' : colourOf(l.value),
        },
      })),
    });
  } else {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      title: { text: panel.title, left: 8, top: 6, textStyle: { fontFamily: FONT, fontSize: 14 } },
      textStyle: { fontFamily: FONT },
      legend: {
        type: 'plain',
        bottom: 0,
        left: 8,
        textStyle: { fontSize: 10, fontFamily: FONT },
        itemHeight: 8,
      },
      grid: { left: 70, right: 16, top: 34, bottom: 28 + 16 * legendRows(series, threshold, width) },
      xAxis: { type: 'time', axisLabel: { fontSize: 10, fontFamily: FONT, hideOverlap: true } },
      yAxis: {
        type: 'value',
        axisLabel: { fontSize: 10, fontFamily: FONT, formatter: (v: number) => formatValue(v, unit) },
      },
      series: [
        ...series.slice(0, 12).map((s) => ({
          type: 'line',
          name: s.name,
          showSymbol: false,
          data: s.points,
          lineStyle: { width: 1.5 },
        })),
        ...(threshold !== undefined && threshold !== null
          ? [
              {
                type: 'line',
                name: `threshold ${formatValue(threshold, unit)}`,
                data: [],
                markLine: {
                  silent: true,
                  symbol: 'none',
                  lineStyle: { color: '#c4162a', type: 'dashed' },
                  data: [{ yAxis: threshold }],
                  label: { formatter: formatValue(threshold, unit), fontSize: 10 },
                },
              },
            ]
          : []),
      ],
      graphic:
        series.length === 0
          ? [
              {
                type: 'text',
                left: 'center',
                top: 'middle',
                style: { text: 'no data', fontSize: 16, fill: '#888' },
              },
            ]
          : [],
    });
  }
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** How many rows ECharts needs for the legend (≈ 6 px per character plus the symbol and gap). */
function legendRows(
  series: readonly { name: string }[],
  threshold: number | null | undefined,
  width: number,
): number {
  const names = series.slice(0, 12).map((s) => s.name);
  if (threshold !== undefined && threshold !== null) {
    names.push('threshold 000');
  }
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const w = name.length * 6 + 30;
    if (used > 0 && used + w > width - 16) {
      rows++;
      used = 0;
    }
    used += w;
  }
  return names.length === 0 ? 0 : rows;
}

function toPoints(s: PromSeries): [number, number][] {
  return s.values.map(([t, v]) => [t * 1000, Number(v)]);
}

/** Queries Prometheus for every target of the dashboard and renders it as one PNG (ECharts SSR → resvg). */
export async function renderDashboard(dashboard: DashboardJson, options: RenderOptions): Promise<Buffer> {
  const step = Math.max(1, Math.round((options.endSec - options.startSec) / 240));
  const rate = rateInterval(step);
  const bottom = Math.max(...dashboard.panels.map((p) => p.gridPos.y + p.gridPos.h));
  const height = HEADER + bottom * ROW;
  const parts: string[] = [];
  for (const panel of dashboard.panels) {
    const series: { name: string; points: [number, number][] }[] = [];
    const instant: { name: string; value: number }[] = [];
    for (const target of panel.targets) {
      const expr = target.expr.replace(/\$__rate_interval/g, rate);
      if (panel.type === 'stat') {
        for (const r of await queryInstant(options.prometheus, expr, options.endSec)) {
          instant.push({ name: legendOf(target.legendFormat, r.metric), value: Number(r.value[1]) });
        }
      } else {
        for (const r of await queryRange(options.prometheus, expr, options.startSec, options.endSec, step)) {
          series.push({ name: legendOf(target.legendFormat, r.metric), points: toPoints(r) });
        }
      }
    }
    const w = panel.gridPos.w * COLUMN - 8;
    const h = panel.gridPos.h * ROW - 8;
    const svg = panelSvg(panel, series, instant, w, h);
    const x = panel.gridPos.x * COLUMN + 4;
    const y = HEADER + panel.gridPos.y * ROW + 4;
    parts.push(
      `<rect x="${x - 1}" y="${y - 1}" width="${w + 2}" height="${h + 2}" fill="none" stroke="#d0d0d0"/>` +
        svg.replace('<svg', `<svg x="${x}" y="${y}"`),
    );
  }
  const from = new Date(options.startSec * 1000).toISOString().replace('.000Z', 'Z');
  const to = new Date(options.endSec * 1000).toISOString().replace('.000Z', 'Z');
  const page =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">` +
    `<rect width="100%" height="100%" fill="#f4f5f5"/>` +
    `<text x="12" y="34" font-family="${FONT}" font-size="22" fill="#202226">${escapeXml(dashboard.title)}</text>` +
    `<text x="${WIDTH - 12}" y="34" text-anchor="end" font-family="${FONT}" font-size="13" fill="#555">${from} → ${to} · ${escapeXml(options.prometheus)}</text>` +
    parts.join('') +
    '</svg>';
  const png = new Resvg(page, { font: { loadSystemFonts: true, defaultFontFamily: FONT } }).render().asPng();
  return png;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
