import { feedPipeline } from './feed-pipeline.dashboard';
import type { DashboardSpec } from './panels';
import { resources } from './resources.dashboard';
import { sloOverview } from './slo-overview.dashboard';
import { thunderPhoenix } from './thunder-phoenix.dashboard';

/**
 * Every dashboard, one file each under dashboards/<uid>.json. Async work (queues, oldest job age,
 * DLQ, reconciliation) is not here yet: its BullMQ worker metrics do not exist.
 */
export const DASHBOARDS: readonly DashboardSpec[] = [sloOverview, feedPipeline, thunderPhoenix, resources];
