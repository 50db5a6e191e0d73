import { asyncWork } from './async-work.dashboard';
import { experiments } from './experiments.dashboard';
import { feedPipeline } from './feed-pipeline.dashboard';
import type { DashboardSpec } from './panels';
import { resources } from './resources.dashboard';
import { sloOverview } from './slo-overview.dashboard';
import { thunderPhoenix } from './thunder-phoenix.dashboard';

/** Every dashboard, one file each under dashboards/<uid>.json. */
export const DASHBOARDS: readonly DashboardSpec[] = [
  sloOverview,
  feedPipeline,
  thunderPhoenix,
  asyncWork,
  resources,
  experiments,
];
