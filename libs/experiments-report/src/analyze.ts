import { performance } from 'node:perf_hooks';
import type { ExperimentDefinition } from '@foryou/experiments';
import type { ExperimentAnalysis } from '@foryou/experiments-store';
import { buildReport } from './build';
import { collectInputs, type CollectOptions } from './collect';
import type { ExperimentReport } from './types';

export interface AnalyzeOptions extends CollectOptions {
  /** Clock for `generatedAt` (tests). Default: now. */
  readonly now?: () => Date;
}

/**
 * The report of one experiment: collects its inputs from the store (`collectInputs`), then computes
 * everything from them (`buildReport`). Throws `NoExposuresError` when nothing was exposed yet.
 */
export async function analyzeExperiment(
  definition: ExperimentDefinition,
  analysis: ExperimentAnalysis,
  options: AnalyzeOptions = {},
): Promise<ExperimentReport> {
  const { inputs, timings } = await collectInputs(definition, analysis, options);
  const start = performance.now();
  const built = buildReport(inputs);
  const statisticsMs = performance.now() - start;
  return {
    ...built,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    timings: [...timings, { step: 'statistics', ms: statisticsMs }],
  };
}
