import type { CandidateBase, QueryBase } from '../core/candidate';
import { ok, type Result } from '../core/outcome';
import type { Filter } from '../stages/filter';
import type { Hydrator } from '../stages/hydrator';
import type { Selector } from '../stages/selector';
import type { Source } from '../stages/source';
import type { PipelineDefinition } from '../runner/pipeline-definition';

/** Test-only query and candidate shapes shared by the framework specs. */
export interface TestQuery extends QueryBase {
  readonly userId: string;
  readonly tag?: string;
}

export interface TestCandidate extends CandidateBase {
  readonly label?: string;
  readonly score?: number;
}

export const query = (over: Partial<TestQuery> = {}): TestQuery => ({
  requestId: 'req-1',
  userId: 'u1',
  ...over,
});

export const cand = (id: string, over: Partial<TestCandidate> = {}): TestCandidate => ({ id, ...over });

export function staticSource(name: string, ids: readonly string[]): Source<TestQuery, TestCandidate> {
  return {
    name,
    fetch: () => Promise.resolve(ok({ candidates: ids.map((id) => ({ candidate: cand(id) })) })),
  };
}

export function failingSource(name: string): Source<TestQuery, TestCandidate> {
  return {
    name,
    fetch: () =>
      Promise.resolve<Result<never>>({
        ok: false,
        error: { kind: 'dependency_unavailable', message: 'down' },
      }),
  };
}

/** Sorts by score desc (missing last), then id; keeps the top `k`. */
export function topK(k: number): Selector<TestQuery, TestCandidate> {
  return {
    name: 'TopK',
    select: (_q, candidates) => {
      const sorted = [...candidates].sort(
        (a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.id.localeCompare(b.id),
      );
      return {
        selected: sorted.slice(0, k).map((c, i) => ({ candidate: c, reason: `rank ${i}` })),
        notSelected: sorted.slice(k).map((c) => ({ candidate: c, reason: 'below top-k' })),
      };
    },
  };
}

export function dropIds(
  name: string,
  ids: readonly string[],
  reason = 'dropped',
): Filter<TestQuery, TestCandidate> {
  return {
    name,
    filter: (_q, candidates) =>
      Promise.resolve(
        ok({
          kept: candidates.filter((c) => !ids.includes(c.id)),
          removed: candidates.filter((c) => ids.includes(c.id)).map((c) => ({ candidate: c, reason })),
        }),
      ),
  };
}

export function labelHydrator(
  name: string,
  label: (id: string) => string,
): Hydrator<TestQuery, TestCandidate> {
  return {
    name,
    fields: ['label'],
    hydrate: (_q, candidates) =>
      Promise.resolve(ok(candidates.map((c) => ({ id: c.id, patch: { label: label(c.id) } })))),
  };
}

export function definition(
  over: Partial<PipelineDefinition<TestQuery, TestCandidate>> = {},
): PipelineDefinition<TestQuery, TestCandidate> {
  return {
    name: 'test',
    queryHydrators: [],
    sources: [],
    hydrators: [],
    filters: [],
    scorers: [],
    selector: topK(100),
    postSelectionHydrators: [],
    postSelectionFilters: [],
    sideEffects: [],
    resultSize: () => 100,
    ...over,
  };
}

/** Resolves once `n` parties have arrived; each `arrive()` returns the shared promise. */
export function barrier(n: number): { arrive: () => Promise<void>; arrived: () => number } {
  let count = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    arrive: () => {
      count += 1;
      if (count >= n) {
        open();
      }
      return opened;
    },
    arrived: () => count,
  };
}
