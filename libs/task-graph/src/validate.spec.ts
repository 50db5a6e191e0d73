import { GraphValidationError } from './errors';
import { assertValidPlan, dependentsOf, validatePlan, type PlanShape } from './validate';

const POOLS = ['network', 'cpu'];

function task(id: string, deps: string[] = [], pool = 'network'): PlanShape['tasks'][number] {
  return { id, deps, pool, deadlineMs: 1000 };
}

const CONTENT: PlanShape = {
  name: 'content',
  tasks: [
    task('load'),
    task('summarize', ['load'], 'cpu'),
    task('embed', ['summarize']),
    task('classify', ['summarize'], 'cpu'),
    task('publish', ['embed', 'classify']),
  ],
};

describe(validatePlan.name, () => {
  it('should accept the content-understanding plan', () => {
    expect(validatePlan(CONTENT, POOLS)).toEqual([]);
  });

  it('should report a cycle with its path', () => {
    const plan: PlanShape = {
      name: 'cyclic',
      tasks: [task('root'), task('a', ['root', 'c']), task('b', ['a']), task('c', ['b'])],
    };
    expect(validatePlan(plan, POOLS)).toEqual([{ kind: 'cycle', path: ['a', 'c', 'b', 'a'] }]);
  });

  it('should report a self-dependency as a one-node cycle', () => {
    expect(validatePlan({ name: 'self', tasks: [task('a', ['a'])] }, POOLS)).toEqual([
      { kind: 'cycle', path: ['a', 'a'] },
    ]);
  });

  it('should report a missing dependency node', () => {
    const plan: PlanShape = { name: 'missing', tasks: [task('load'), task('publish', ['load', 'embed'])] };
    expect(validatePlan(plan, POOLS)).toEqual([
      { kind: 'missing_dependency', taskId: 'publish', dependency: 'embed' },
    ]);
  });

  it('should report duplicate ids', () => {
    const plan: PlanShape = { name: 'dup', tasks: [task('load'), task('load', [], 'cpu')] };
    expect(validatePlan(plan, POOLS)).toEqual([{ kind: 'duplicate_task', taskId: 'load' }]);
  });

  it('should report an unknown pool', () => {
    const plan: PlanShape = { name: 'pool', tasks: [task('load', [], 'gpu')] };
    expect(validatePlan(plan, POOLS)).toEqual([{ kind: 'unknown_pool', taskId: 'load', pool: 'gpu' }]);
  });

  it('should report ids that cannot be used in keys or job ids, bad deadlines and empty plans', () => {
    expect(validatePlan({ name: 'a:b', tasks: [] }, POOLS)).toEqual([
      { kind: 'invalid_id', what: 'plan', id: 'a:b' },
      { kind: 'empty_plan' },
    ]);
    const plan: PlanShape = {
      name: 'bad',
      tasks: [
        { id: 'x.y', deps: [], pool: 'cpu', deadlineMs: 0 },
        { id: 'z', deps: [], pool: 'cpu', deadlineMs: 10, maxAttempts: 0 },
      ],
    };
    expect(validatePlan(plan, POOLS)).toEqual([
      { kind: 'invalid_id', what: 'task', id: 'x.y' },
      { kind: 'invalid_deadline', taskId: 'x.y', deadlineMs: 0 },
      { kind: 'invalid_max_attempts', taskId: 'z', maxAttempts: 0 },
    ]);
  });

  it('should report every issue at once', () => {
    const plan: PlanShape = {
      name: 'many',
      tasks: [task('a', ['b']), task('b', ['a'], 'gpu'), task('a'), task('c', ['nope'])],
    };
    expect(validatePlan(plan, POOLS)).toEqual([
      { kind: 'duplicate_task', taskId: 'a' },
      { kind: 'unknown_pool', taskId: 'b', pool: 'gpu' },
      { kind: 'missing_dependency', taskId: 'c', dependency: 'nope' },
      { kind: 'cycle', path: ['a', 'b', 'a'] },
    ]);
  });
});

describe(assertValidPlan.name, () => {
  it('should throw a typed error carrying the issues and a readable message', () => {
    const plan: PlanShape = { name: 'cyclic', tasks: [task('a', ['b']), task('b', ['a'])] };
    let caught: unknown;
    try {
      assertValidPlan(plan, POOLS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GraphValidationError);
    expect((caught as GraphValidationError).issues).toEqual([{ kind: 'cycle', path: ['a', 'b', 'a'] }]);
    expect((caught as GraphValidationError).message).toBe("invalid plan 'cyclic': cycle a -> b -> a");
  });

  it('should not throw for a valid plan', () => {
    expect(() => assertValidPlan(CONTENT, POOLS)).not.toThrow();
  });
});

describe(dependentsOf.name, () => {
  it('should invert the dependency edges in definition order', () => {
    expect(Object.fromEntries(dependentsOf(CONTENT))).toEqual({
      load: ['summarize'],
      summarize: ['embed', 'classify'],
      embed: ['publish'],
      classify: ['publish'],
      publish: [],
    });
  });
});
