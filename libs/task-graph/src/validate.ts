import { GraphValidationError, type ValidationIssue } from './errors';

/** Ids of plans, tasks, pools and graphs. Excludes ':' (Redis key separator) and '.' (job id separator). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The structural part of a plan that validation looks at (handlers are irrelevant). */
export interface PlanShape {
  readonly name: string;
  readonly tasks: readonly {
    readonly id: string;
    readonly deps: readonly string[];
    readonly pool: string;
    readonly deadlineMs: number;
    readonly maxAttempts?: number;
  }[];
}

/**
 * Every problem of `plan` against the configured `pools`, in a deterministic order: ids, duplicates,
 * missing dependencies, unknown pools, deadlines, then cycles (one path per back edge found by a depth-first
 * search in definition order; a self-dependency is the cycle `[a, a]`). Pure; no I/O.
 */
export function validatePlan(plan: PlanShape, pools: Iterable<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const poolSet = new Set(pools);
  if (!ID_PATTERN.test(plan.name)) {
    issues.push({ kind: 'invalid_id', what: 'plan', id: plan.name });
  }
  if (plan.tasks.length === 0) {
    issues.push({ kind: 'empty_plan' });
    return issues;
  }
  const byId = new Map<string, PlanShape['tasks'][number]>();
  for (const task of plan.tasks) {
    if (!ID_PATTERN.test(task.id)) {
      issues.push({ kind: 'invalid_id', what: 'task', id: task.id });
    }
    if (byId.has(task.id)) {
      issues.push({ kind: 'duplicate_task', taskId: task.id });
    } else {
      byId.set(task.id, task);
    }
  }
  for (const task of plan.tasks) {
    for (const dep of task.deps) {
      if (!byId.has(dep)) {
        issues.push({ kind: 'missing_dependency', taskId: task.id, dependency: dep });
      }
    }
    if (!poolSet.has(task.pool)) {
      issues.push({ kind: 'unknown_pool', taskId: task.id, pool: task.pool });
    }
    if (!Number.isFinite(task.deadlineMs) || task.deadlineMs <= 0) {
      issues.push({ kind: 'invalid_deadline', taskId: task.id, deadlineMs: task.deadlineMs });
    }
    if (task.maxAttempts !== undefined && (!Number.isInteger(task.maxAttempts) || task.maxAttempts < 1)) {
      issues.push({ kind: 'invalid_max_attempts', taskId: task.id, maxAttempts: task.maxAttempts });
    }
  }
  for (const path of findCycles(byId)) {
    issues.push({ kind: 'cycle', path });
  }
  return issues;
}

/** Throws {@link GraphValidationError} listing every issue of `plan`; returns normally if it is valid. */
export function assertValidPlan(plan: PlanShape, pools: Iterable<string>): void {
  const issues = validatePlan(plan, pools);
  if (issues.length > 0) {
    throw new GraphValidationError(`plan '${plan.name}'`, issues);
  }
}

function findCycles(byId: ReadonlyMap<string, PlanShape['tasks'][number]>): string[][] {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (id: string): void => {
    color.set(id, GREY);
    stack.push(id);
    for (const dep of byId.get(id)?.deps ?? []) {
      if (!byId.has(dep)) {
        continue; // reported as missing_dependency
      }
      const c = color.get(dep) ?? WHITE;
      if (c === GREY) {
        cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      } else if (c === WHITE) {
        visit(dep);
      }
    }
    stack.pop();
    color.set(id, BLACK);
  };
  for (const id of byId.keys()) {
    if ((color.get(id) ?? WHITE) === WHITE) {
      visit(id);
    }
  }
  return cycles;
}

/** For each task, the ids of tasks that depend on it (definition order). Assumes a valid plan. */
export function dependentsOf(plan: PlanShape): Map<string, string[]> {
  const out = new Map<string, string[]>(plan.tasks.map((t) => [t.id, []]));
  for (const task of plan.tasks) {
    for (const dep of new Set(task.deps)) {
      out.get(dep)?.push(task.id);
    }
  }
  return out;
}
