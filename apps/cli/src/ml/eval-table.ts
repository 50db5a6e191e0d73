import {
  EVAL_METHODS,
  type EvalMethod,
  type EvalReport,
  type MetricSummary,
  type Slice,
} from '@foryou/phoenix-model';

const SLICES: readonly Slice[] = ['new', 'established'];

const METHOD_LABEL: Record<EvalMethod, string> = {
  retrieval_exact: 'retrieval (exact)',
  retrieval_hnsw: 'retrieval (HNSW)',
  feed_phoenix: 'feed: Phoenix ranker',
  feed_popularity: 'feed: popularity order',
  popularity: 'popularity baseline',
};

const cell = (m: MetricSummary): string => (m.n === 0 ? 'n/a' : `${m.mean.toFixed(4)}±${m.ci95.toFixed(4)}`);

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

/**
 * The eval table: one row per (slice, method), Recall@K and NDCG@K (mean ± 95% CI half-width) per
 * K, then the HNSW-vs-exact recall and the verdict against the popularity baseline.
 */
export function formatEvalTable(report: EvalReport): string {
  const header = ['slice', 'method', ...report.ks.flatMap((k) => [`Recall@${k}`, `NDCG@${k}`])];
  const rows: string[][] = [];
  for (const slice of SLICES) {
    const s = report.slices[slice];
    for (const method of EVAL_METHODS) {
      const perK = s.methods[method];
      rows.push([
        `${slice} (n=${s.users})`,
        METHOD_LABEL[method],
        ...report.ks.flatMap((k) => [cell(perK[String(k)]!.recall), cell(perK[String(k)]!.ndcg)]),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const lines = [pad(header, widths), rule, ...rows.map((r) => pad(r, widths))];
  lines.push(rule);
  for (const slice of SLICES) {
    const s = report.slices[slice];
    const ann = report.ks.map((k) => `@${k} ${cell(s.annRecall[String(k)]!)}`).join(' · ');
    lines.push(`HNSW vs exact recall, ${slice}: ${ann} (users without a user vector: ${s.noUserVector})`);
  }
  for (const slice of SLICES) {
    lines.push(
      `${slice}: Phoenix feed ${report.beatsPopularity[slice] ? 'beats' : 'does NOT beat'} the popularity baseline on Recall@K and NDCG@K at every K`,
    );
  }
  return lines.join('\n');
}

/** The header lines: what was evaluated, on how many users, under which rules. */
export function formatEvalHeader(report: EvalReport, worldVersion: string): string {
  const u = report.users;
  return [
    `Offline evaluation · ${worldVersion} · model ${report.modelVersion} · cutoff ${new Date(report.trainCutoffMs).toISOString()}`,
    `Users with held-out positives: ${u.withRelevant} (excluded, |R| = 0: ${u.excludedNoRelevant}). ` +
      `Evaluated: new ${u.evaluated.new}/${u.available.new}, established ${u.evaluated.established}/${u.available.established} ` +
      `("new" = fewer than ${report.options.newUserMinPositives} positive train engagements).`,
  ].join('\n');
}
