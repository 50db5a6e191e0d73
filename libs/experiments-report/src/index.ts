// @foryou/experiments-report — experiment reports from the store's sufficient statistics: health,
// decision table, ITT vs triggered, CUPED, cumulative lift, kills; Markdown and self-contained HTML.
// See README.md.
export { analyzeExperiment, type AnalyzeOptions } from './analyze';
export { buildReport, type BuiltReport } from './build';
export { cumulativeLiftChart, niceTicks, srmByDayChart, timelineChart } from './charts';
export { SECTIONS, type SectionId } from './cells';
export {
  collectInputs,
  NoExposuresError,
  type CollectOptions,
  type ReportProgress,
  type StepTiming,
} from './collect';
export { escapeHtml, escapeMarkdown } from './escape';
export {
  findDefinition,
  generateReport,
  UnknownExperimentError,
  type GenerateOptions,
  type GeneratedReport,
} from './generate';
export { canonicalJson, contentHash } from './hash';
export {
  INPUTS_SCHEMA_VERSION,
  type ComparisonWindowInput,
  type CumulativeInput,
  type KillInput,
  type MetricInput,
  type PeriodInput,
  type QuantileArmInput,
  type ReportInputs,
  type WindowInput,
} from './inputs';
export { describeMeasure, planMetric, type MetricPlan } from './metric-plan';
export { renderHtml } from './render-html';
export { renderMarkdown } from './render-markdown';
export {
  REPORT_SCHEMA_VERSION,
  type ArmValue,
  type Comparison,
  type CupedReport,
  type CumulativePoint,
  type CumulativeSeries,
  type Decision,
  type Effect,
  type ExperimentReport,
  type FunnelCheck,
  type GuardrailResult,
  type HealthReport,
  type HealthStatus,
  type MetricReport,
  type MetricRole,
  type Num,
  type PeriodReport,
  type Range,
  type Recommendation,
  type SrmCheck,
  type SrmDayPoint,
  type TimelineEvent,
  type TimelineReport,
  type Verdict,
} from './types';
export { healthStatus, metricVerdict, recommend, type RecommendationInput } from './verdicts';
export { activeArms, activeWeights, armOrder, comparisonWindows, type ComparisonWindow } from './windows';
