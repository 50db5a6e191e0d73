import {
  annSearch,
  type AnnIndex,
  exactSearch,
  type Hit,
  type PhoenixRuntime,
  type SearchBudget,
  type SearchCorpus,
  type SequenceAction,
} from '@foryou/phoenix-model';
import { PhoenixError } from '../errors/phoenix-error';
import type { IndexKind, RetrievalStatusLabel } from '../telemetry/metrics';

/** Request bounds; beyond them a call is INVALID_ARGUMENT. */
export const RETRIEVE_LIMITS = Object.freeze({
  maxK: 10_000,
  maxSequence: 10_000,
  maxExcludedAuthors: 100_000,
});

/** A validated Retrieve call. */
export interface RetrieveQuery {
  readonly viewerId: string;
  readonly sequence: readonly SequenceAction[];
  readonly k: number;
  /** Posts created before this are never returned (0: no limit). */
  readonly notBeforeMs: number;
  readonly excludeAuthorIds: readonly string[];
  /** Brute force instead of HNSW: the reference answer. */
  readonly exact: boolean;
}

export interface RetrieveResult {
  readonly status: RetrievalStatusLabel;
  /** At most k, sorted by (similarity desc, post id asc). Empty for no_personalisation. */
  readonly posts: readonly Hit[];
  readonly index: IndexKind;
  readonly modelVersion: string;
  readonly corpusVersion: string;
}

/**
 * Out-of-network retrieval with the two-tower model.
 * - The user vector comes from the action sequence only; no usable history (the zero vector) →
 *   `no_personalisation` with no posts (never a NaN, never an unpersonalised guess).
 * - Never returns posts created before `notBeforeMs`, posts by `excludeAuthorIds`, or the viewer's own.
 * - HNSW over-fetches and filters (see `annSearch`); k > corpus returns every eligible post.
 * - `complete`: the search finished (fewer than k only when fewer are eligible). `partial`: the
 *   budget ran out first — fewer than k, or (exact search) not every post was compared. Out of time
 *   with nothing found → DEADLINE_EXCEEDED.
 */
export class RetrievalService {
  private readonly _search: SearchCorpus;

  constructor(
    private readonly _runtime: PhoenixRuntime,
    private readonly _index: AnnIndex,
  ) {
    this._search = { ids: _runtime.corpus.ids, vectors: _runtime.corpusEmbeddings, dim: _runtime.embedDim };
  }

  async retrieve(q: RetrieveQuery, budget: SearchBudget): Promise<RetrieveResult> {
    validate(q);
    const index: IndexKind = q.exact ? 'exact' : 'hnsw';
    const base = {
      index,
      modelVersion: this._runtime.model.version,
      corpusVersion: this._runtime.corpus.version,
    };
    const { userVector } = this._runtime.userContext(q.sequence);
    if (!userVector) {
      return { ...base, status: 'no_personalisation', posts: [] };
    }
    const corpus = this._runtime.corpus;
    const excluded = new Set(q.excludeAuthorIds);
    const accept = (row: number): boolean => {
      const author = corpus.authorIds[row]!;
      return corpus.createdAtMs[row]! >= q.notBeforeMs && author !== q.viewerId && !excluded.has(author);
    };
    const result = q.exact
      ? await exactSearch(this._search, userVector, q.k, accept, budget)
      : await annSearch(this._search, this._index, userVector, q.k, accept, budget);
    if (!result.exhaustive && result.hits.length === 0) {
      throw new PhoenixError('deadline_exceeded', 'the deadline expired before any post was found');
    }
    return { ...base, status: result.exhaustive ? 'complete' : 'partial', posts: result.hits };
  }
}

function validate(q: RetrieveQuery): void {
  if (!Number.isInteger(q.k) || q.k < 1 || q.k > RETRIEVE_LIMITS.maxK) {
    throw new PhoenixError('invalid_argument', `k must be in [1, ${RETRIEVE_LIMITS.maxK}], got ${q.k}`);
  }
  if (q.sequence.length > RETRIEVE_LIMITS.maxSequence) {
    throw new PhoenixError(
      'invalid_argument',
      `action_sequence has more than ${RETRIEVE_LIMITS.maxSequence} entries`,
    );
  }
  if (q.excludeAuthorIds.length > RETRIEVE_LIMITS.maxExcludedAuthors) {
    throw new PhoenixError(
      'invalid_argument',
      `exclude_author_ids has more than ${RETRIEVE_LIMITS.maxExcludedAuthors} entries`,
    );
  }
  if (!Number.isFinite(q.notBeforeMs)) {
    throw new PhoenixError('invalid_argument', 'not_before_ms must be a finite number');
  }
}
