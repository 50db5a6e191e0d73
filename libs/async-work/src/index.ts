export {
  CRASH_POINTS,
  crashBarrierFromEnv,
  noBarrier,
  type CrashBarrier,
  type CrashPoint,
} from './crash-barrier';
export { EnvelopeSchema, EVENT_ID_PATTERN, eventIdOf, parseEnvelope, type Envelope } from './envelope';
export { classify, PermanentJobError, type FailureClass, type PermanentReason } from './errors';
export {
  DEFAULT_RETRY_POLICY,
  SIDE_EFFECT_QUEUE,
  sideEffectJobOptions,
  type RetryPolicy,
} from './job-options';
export {
  defineJob,
  JobRegistry,
  newestReadable,
  type EffectOutcome,
  type HandlerContext,
  type JobDefinition,
  type ReadEvent,
} from './job-registry';
export { DEFAULT_OUTBOX_STREAM, inboxGuardedScript, inboxKey, Outbox } from './outbox';
export {
  MALFORMED_JOB,
  OutboxRelay,
  RELAY_GROUP,
  type OutboxRelayOptions,
  type RelayObserver,
} from './outbox-relay';
export { Quarantine, type QuarantinedJob, type ReplayAudit } from './quarantine';
export { SideEffectWorker, type ConsumerObserver, type SideEffectWorkerOptions } from './side-effect-worker';
export { activeTraceparent, inLinkedSpan, spanContextOf } from './trace-link';
