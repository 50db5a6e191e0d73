import {
  type Dashboard,
  DashboardBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/** The provisioned Prometheus datasource (ops/grafana/provisioning/datasources: fixed uid). */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;
/** Grafana 11.1 (docker-compose) understands schema 39; the SDK stamps a newer number. */
const SCHEMA_VERSION = 39;

export interface QuerySpec {
  readonly expr: string;
  readonly legend: string;
}

/** One panel, described once; built into Grafana JSON and read back by the PNG renderer. */
export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly kind: 'timeseries' | 'stat';
  /** Grafana unit id: percentunit, s, short, bytes, reqps, ops … */
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  /**
   * A horizontal line (timeseries) or colour change (stat) at this value. `bad: 'above'` (default): red
   * from the value up; `bad: 'below'`: red under it (e.g. budget remaining below 0).
   */
  readonly threshold?: { value: number; label: string; bad?: 'above' | 'below' };
  /** Panel width in the 24-column grid (default 12). */
  readonly width?: number;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly panels: readonly PanelSpec[];
}

const HEIGHT = 8;

function targets(panel: PanelSpec): DataqueryBuilder[] {
  return panel.queries.map((q, i) =>
    new DataqueryBuilder()
      .expr(q.expr)
      .legendFormat(q.legend)
      .refId(String.fromCharCode(65 + i))
      .datasource(DATASOURCE),
  );
}

function thresholds(panel: PanelSpec): ThresholdsConfigBuilder {
  const below = panel.threshold?.bad === 'below';
  const steps: { value: number | null; color: string }[] = [{ value: null, color: below ? 'red' : 'green' }];
  if (panel.threshold) {
    steps.push({ value: panel.threshold.value, color: below ? 'green' : 'red' });
  }
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** Builds classic Grafana dashboard JSON with the foundation SDK (stable uid, fixed datasource uid). */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .timezone('browser')
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .readonly();
  let x = 0;
  let y = 0;
  for (const panel of spec.panels) {
    const w = panel.width ?? 12;
    if (x + w > 24) {
      x = 0;
      y += HEIGHT;
    }
    const gridPos = { x, y, w, h: HEIGHT };
    x += w;
    if (panel.kind === 'stat') {
      builder.withPanel(
        new StatPanel()
          .title(panel.title)
          .description(panel.description)
          .datasource(DATASOURCE)
          .unit(panel.unit)
          .thresholds(thresholds(panel))
          .gridPos(gridPos)
          .targets(targets(panel)),
      );
    } else {
      const ts = new TimeseriesPanel()
        .title(panel.title)
        .description(panel.description)
        .datasource(DATASOURCE)
        .unit(panel.unit)
        .gridPos(gridPos)
        .targets(targets(panel));
      if (panel.threshold) {
        ts.thresholds(thresholds(panel));
      }
      builder.withPanel(ts);
    }
  }
  return { ...builder.build(), schemaVersion: SCHEMA_VERSION };
}
