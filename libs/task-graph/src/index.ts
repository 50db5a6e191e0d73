export { backoffDelayMs } from './backoff';
export {
  describeIssue,
  GraphConflictError,
  GraphNotFoundError,
  GraphRejectedError,
  GraphValidationError,
  GraphWaitTimeoutError,
  PermanentTaskError,
  TaskDeadlineError,
  type ValidationIssue,
} from './errors';
export { taskJobId, TaskGraphExecutor } from './executor';
export type {
  AttemptRecord,
  BackoffOptions,
  CloseOptions,
  FinalGraphStatus,
  GraphFinishedEvent,
  GraphOutcome,
  GraphRecord,
  GraphRejectedEvent,
  GraphStatus,
  PlanDefinition,
  PoolOptions,
  StartOptions,
  SubmitOptions,
  TaskDefinition,
  TaskFinishedEvent,
  TaskGraphExecutorOptions,
  TaskGraphObserver,
  TaskHandler,
  TaskInput,
  TaskOutcome,
  TaskRecord,
  TaskStartedEvent,
  TaskState,
} from './types';
export { assertValidPlan, ID_PATTERN, validatePlan, type PlanShape } from './validate';
