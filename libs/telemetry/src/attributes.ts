/**
 * Span attribute keys used across foryou. One place owns them (DESIGN.md §6); values must stay bounded
 * except where a key is documented as an id (ids belong on spans, never on metric labels).
 */
export const Attr = {
  pipeline: 'foryou.pipeline',
  stageKind: 'foryou.stage.kind',
  component: 'foryou.component',
  outcome: 'foryou.outcome',
  errorKind: 'foryou.error.kind',
  failurePolicy: 'foryou.failure_policy',
  inputCount: 'foryou.candidates.in',
  outputCount: 'foryou.candidates.out',
  removedCount: 'foryou.candidates.removed',
  enabledCount: 'foryou.components.enabled',
  disabledComponents: 'foryou.components.disabled',
  alignmentViolations: 'foryou.alignment.violations',
  budgetMs: 'foryou.deadline.budget_ms',
  /** An id: spans only. */
  requestId: 'foryou.request.id',
  /** An id: spans only. */
  viewerId: 'foryou.viewer.id',
  paramsVersion: 'foryou.params.version',
  /** An id: spans only. The engagement batch (`POST /v1/events/engagement`). */
  engagementBatchId: 'foryou.engagement.batch_id',
  engagementEvents: 'foryou.engagement.events',
  engagementAccepted: 'foryou.engagement.accepted',
  engagementDuplicates: 'foryou.engagement.duplicates_in_batch',
  /** `key=variant;…` of the experiments a request is in (bounded by the definitions). */
  experiments: 'foryou.experiments',
  surface: 'foryou.surface',
} as const;
