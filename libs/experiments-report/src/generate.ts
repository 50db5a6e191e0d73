/**
 * End to end, as the CLI and the benchmark run it: attribution of the new outcomes (idempotent), every
 * analysis statement, the statistics, and the Markdown, HTML and JSON renderings.
 */
import { performance } from 'node:perf_hooks';
import { loadExperiments, type ExperimentDefinition } from '@foryou/experiments';
import { ExperimentAnalysis, ExperimentStore } from '@foryou/experiments-store';
import type { Pool } from 'pg';
import { analyzeExperiment, type AnalyzeOptions } from './analyze';
import type { ReportProgress } from './collect';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import type { ExperimentReport } from './types';

const HOUR_MS = 3_600_000;

/** The key is not among the definitions (message lists the known keys). */
export class UnknownExperimentError extends Error {
  override readonly name = 'UnknownExperimentError';
}

/** Loads `dir` (every file validated, as everywhere else) and returns the definition of `key`. */
export async function findDefinition(dir: string, key: string): Promise<ExperimentDefinition> {
  const definitions = await loadExperiments(dir);
  const found = definitions.find((d) => d.key === key);
  if (found === undefined) {
    throw new UnknownExperimentError(
      `unknown experiment "${key}" in ${dir} (known: ${definitions.map((d) => d.key).join(', ') || 'none'})`,
    );
  }
  return found;
}

export interface GenerateOptions extends AnalyzeOptions {
  /** Attribute the outcomes not attributed yet before analysing (idempotent). Default true. */
  readonly attribute?: boolean;
}

export interface GeneratedReport {
  readonly report: ExperimentReport;
  readonly markdown: string;
  readonly html: string;
  /** `report` as JSON, its timings including the rendering. */
  readonly json: string;
}

/**
 * Attribution + report + renderings. Progress counts attribution and rendering as one step each
 * around the analysis statements.
 */
export async function generateReport(
  pool: Pool,
  definition: ExperimentDefinition,
  options: GenerateOptions = {},
): Promise<GeneratedReport> {
  const progress = options.onProgress;
  const attribute = options.attribute ?? true;
  const offset = attribute ? 1 : 0;
  let total = offset + 1;
  const timings: { step: string; ms: number }[] = [];
  if (attribute) {
    progress?.({ done: 0, total, step: 'attributing outcomes' });
    const start = performance.now();
    await new ExperimentStore(pool).attributeOutcomes(
      definition.key,
      Math.round(definition.attribution_window_hours * HOUR_MS),
    );
    timings.push({ step: 'attribution', ms: performance.now() - start });
  }
  const analysed = await analyzeExperiment(definition, new ExperimentAnalysis(pool), {
    ...options,
    onProgress: (p: ReportProgress) => {
      total = p.total + offset + 1;
      progress?.({ done: p.done + offset, total, step: p.step });
    },
  });
  const report: ExperimentReport = { ...analysed, timings: [...timings, ...analysed.timings] };
  progress?.({ done: total - 1, total, step: 'rendering' });
  const start = performance.now();
  const markdown = renderMarkdown(report);
  const html = renderHtml(report);
  const renderMs = performance.now() - start;
  const json = `${JSON.stringify({ ...report, timings: [...report.timings, { step: 'rendering', ms: renderMs }] }, null, 2)}\n`;
  progress?.({ done: total, total, step: 'done' });
  return { report, markdown, html, json };
}
