/**
 * Thunder's span attribute keys (shared keys come from `Attr` in @foryou/telemetry). Values are
 * bounded except where a key says it is an id.
 */
export const ThunderAttr = {
  authorsRequested: 'foryou.thunder.authors.requested',
  authorsScanned: 'foryou.thunder.authors.scanned',
  postsReturned: 'foryou.thunder.posts.returned',
  partial: 'foryou.thunder.partial',
  /** Derived from offsets; identifies the answer's store state. */
  storeVersion: 'foryou.thunder.store_version',
  deadlineBudgetMs: 'foryou.thunder.deadline.budget_ms',
} as const;
