export {
  catalogFromExposition,
  loadCatalog,
  MetricCatalog,
  readJobCatalog,
  type JobCatalog,
} from './catalog/catalog';
export { DASHBOARDS } from './dashboards';
export { buildDashboard, type DashboardSpec, type PanelSpec } from './dashboards/panels';
export { generate, loadSpecs, PATHS, staleFiles, type GeneratedFile, type Generation } from './generate';
export { parsePromql } from './lint/promql';
export { alerts, queryInstant, queryRange, type PromAlert } from './render/prometheus-api';
export { renderDashboard } from './render/render-dashboard';
export { leMatcher, sliQueries } from './rules/sli-queries';
export { ABSENT_ALERT, sloContext, sloRuleGroups } from './rules/slo-rules';
export { BURN_TIERS, DRILL, PRODUCTION, SLI_WINDOWS, SLO_PERIOD } from './rules/windows';
export { divideDuration, parseDuration } from './spec/duration';
export { SloSpecSchema, type Slo, type SloSpec } from './spec/schema';
