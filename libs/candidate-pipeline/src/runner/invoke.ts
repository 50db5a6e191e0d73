import { randomUUID } from 'node:crypto';
import type { ComponentContext } from '../core/component';
import type { ComponentOutcome, Result } from '../core/outcome';
import type { Clock } from '../time/clock';
import type { Deadline } from '../time/deadline';

export interface Invocation<T> {
  readonly outcome: ComponentOutcome;
  /** Present only when the component returned ok. */
  readonly value?: T;
}

const TIMEOUT = Symbol('timeout');
const CANCELLED = Symbol('cancelled');

/**
 * Calls one component under its deadline and the request's abort signal. The call is abandoned (and its
 * signal aborted) as soon as the deadline fires or the request is cancelled; a result arriving later is
 * ignored. Throws from the component are bugs and become `error(internal)`, never escape.
 */
export async function invoke<T>(
  clock: Clock,
  requestSignal: AbortSignal,
  deadline: Deadline,
  call: (ctx: ComponentContext) => Promise<Result<T>>,
): Promise<Invocation<T>> {
  if (requestSignal.aborted) {
    return { outcome: { status: 'cancelled' } };
  }
  if (deadline.expired()) {
    return { outcome: { status: 'timeout' } };
  }
  const controller = new AbortController();
  let settle: (why: typeof TIMEOUT | typeof CANCELLED) => void = () => undefined;
  const stopped = new Promise<typeof TIMEOUT | typeof CANCELLED>((resolve) => {
    settle = resolve;
  });
  const onRequestAbort = (): void => {
    controller.abort(new Error('request cancelled'));
    settle(CANCELLED);
  };
  requestSignal.addEventListener('abort', onRequestAbort, { once: true });
  const cancelTimer = clock.setTimer(deadline.remainingMs(), () => {
    controller.abort(new Error('deadline exceeded'));
    settle(TIMEOUT);
  });
  const ctx: ComponentContext = { signal: controller.signal, deadline, attemptId: randomUUID() };
  const running = Promise.resolve()
    .then(() => call(ctx))
    .then(
      (result): Invocation<T> =>
        result.ok
          ? { outcome: { status: 'ok' }, value: result.value }
          : { outcome: { status: 'error', errorKind: result.error.kind, message: result.error.message } },
      (err: unknown): Invocation<T> => ({
        outcome: {
          status: 'error',
          errorKind: 'internal',
          message: err instanceof Error ? err.message : String(err),
        },
      }),
    );
  try {
    const first = await Promise.race([running, stopped]);
    if (first === TIMEOUT) {
      return { outcome: { status: 'timeout' } };
    }
    if (first === CANCELLED) {
      return { outcome: { status: 'cancelled' } };
    }
    return first;
  } finally {
    cancelTimer();
    requestSignal.removeEventListener('abort', onRequestAbort);
  }
}
