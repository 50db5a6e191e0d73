/** One reason a plan (or a submission) is invalid. Cycle paths read "each element depends on the next". */
export type ValidationIssue =
  | { readonly kind: 'empty_plan' }
  | { readonly kind: 'invalid_id'; readonly what: 'plan' | 'task' | 'pool' | 'graph'; readonly id: string }
  | { readonly kind: 'duplicate_task'; readonly taskId: string }
  | { readonly kind: 'missing_dependency'; readonly taskId: string; readonly dependency: string }
  | { readonly kind: 'unknown_pool'; readonly taskId: string; readonly pool: string }
  | { readonly kind: 'invalid_deadline'; readonly taskId: string; readonly deadlineMs: number }
  | { readonly kind: 'invalid_max_attempts'; readonly taskId: string; readonly maxAttempts: number }
  | { readonly kind: 'cycle'; readonly path: readonly string[] }
  | { readonly kind: 'unknown_plan'; readonly plan: string }
  | { readonly kind: 'duplicate_plan'; readonly plan: string };

export function describeIssue(issue: ValidationIssue): string {
  switch (issue.kind) {
    case 'empty_plan':
      return 'plan has no tasks';
    case 'invalid_id':
      return `invalid ${issue.what} id '${issue.id}' (expected [A-Za-z0-9_-]{1,64})`;
    case 'duplicate_task':
      return `duplicate task id '${issue.taskId}'`;
    case 'missing_dependency':
      return `task '${issue.taskId}' depends on unknown task '${issue.dependency}'`;
    case 'unknown_pool':
      return `task '${issue.taskId}' uses unknown pool '${issue.pool}'`;
    case 'invalid_deadline':
      return `task '${issue.taskId}' has invalid deadlineMs ${issue.deadlineMs}`;
    case 'invalid_max_attempts':
      return `task '${issue.taskId}' has invalid maxAttempts ${issue.maxAttempts}`;
    case 'cycle':
      return `cycle ${issue.path.join(' -> ')}`;
    case 'unknown_plan':
      return `plan '${issue.plan}' is not registered`;
    case 'duplicate_plan':
      return `plan '${issue.plan}' is already registered`;
  }
}

/** A plan or submission was refused before anything was written to Redis or enqueued. */
export class GraphValidationError extends Error {
  override readonly name = 'GraphValidationError';
  constructor(
    readonly subject: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid ${subject}: ${issues.map(describeIssue).join('; ')}`);
  }
}

/** The waiting room was full: the graph was NOT accepted and nothing was enqueued. */
export class GraphRejectedError extends Error {
  override readonly name = 'GraphRejectedError';
  constructor(
    readonly graphId: string,
    readonly inFlight: number,
    readonly limit: number,
  ) {
    super(`graph '${graphId}' rejected: ${inFlight} graphs in flight (limit ${limit})`);
  }
}

/** A graph id already exists for a different plan. */
export class GraphConflictError extends Error {
  override readonly name = 'GraphConflictError';
  constructor(
    readonly graphId: string,
    readonly existingPlan: string,
  ) {
    super(`graph '${graphId}' already exists for plan '${existingPlan}'`);
  }
}

export class GraphNotFoundError extends Error {
  override readonly name = 'GraphNotFoundError';
  constructor(readonly graphId: string) {
    super(`graph '${graphId}' not found`);
  }
}

export class GraphWaitTimeoutError extends Error {
  override readonly name = 'GraphWaitTimeoutError';
  constructor(
    readonly graphId: string,
    readonly timeoutMs: number,
  ) {
    super(`graph '${graphId}' did not finish within ${timeoutMs} ms`);
  }
}

/** Throw from a handler to fail the task without retry (e.g. invalid input). */
export class PermanentTaskError extends Error {
  override readonly name = 'PermanentTaskError';
}

/** The abort reason of a handler's signal when its per-task deadline elapses. */
export class TaskDeadlineError extends Error {
  override readonly name = 'TaskDeadlineError';
  constructor(
    readonly taskId: string,
    readonly deadlineMs: number,
  ) {
    super(`task '${taskId}' exceeded its deadline of ${deadlineMs} ms`);
  }
}
