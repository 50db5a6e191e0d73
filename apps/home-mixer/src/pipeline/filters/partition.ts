import { ok, type FilterOutput, type Removal, type Result } from '@foryou/candidate-pipeline';

/** Builds a filter output from a per-candidate verdict: a reason removes it, `null` keeps it. */
export function partition<C>(
  candidates: readonly C[],
  verdict: (c: C) => { reason: string; detail?: string } | null,
): Result<FilterOutput<C>> {
  const kept: C[] = [];
  const removed: Removal<C>[] = [];
  for (const candidate of candidates) {
    const v = verdict(candidate);
    if (v) {
      removed.push({ candidate, ...v });
    } else {
      kept.push(candidate);
    }
  }
  return ok({ kept, removed });
}
