import type { CandidateRecord, PipelineRecord } from '@foryou/candidate-pipeline';

/** One candidate across both pipelines: where it came from, what set its fields, and how it ended. */
export interface ExplainedCandidate extends CandidateRecord {
  /** The pipeline whose decision is the candidate's final fate. */
  readonly decidedBy: string;
}

/**
 * Merges the outer (for_you) ledger with its nested pipelines' ledgers: a post the blender saw takes its
 * outer fate (page position or why not) with its inner provenance; a post dropped inside the scored-posts
 * pipeline keeps that fate. Every candidate id appears exactly once.
 */
export function explainCandidates(record: PipelineRecord): ExplainedCandidate[] {
  const outer = new Map(record.candidates.map((c) => [c.id, c]));
  const out: ExplainedCandidate[] = [];
  const seen = new Set<string>();
  for (const nested of Object.values(record.nested)) {
    for (const inner of nested.candidates) {
      const top = outer.get(inner.id);
      seen.add(inner.id);
      out.push(
        top
          ? { ...inner, fate: top.fate, decidedBy: record.pipeline }
          : { ...inner, decidedBy: nested.pipeline },
      );
    }
  }
  for (const c of record.candidates) {
    if (!seen.has(c.id)) {
      out.push({ ...c, decidedBy: record.pipeline });
    }
  }
  return out;
}
