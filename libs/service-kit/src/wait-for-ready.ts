/** Why a wait for readiness ended without it: the process exited, the caller cancelled, or time ran out. */
export type ReadyWaitFailure = 'exited' | 'cancelled' | 'not_ready';

export class ReadyWaitError extends Error {
  override readonly name = 'ReadyWaitError';

  constructor(
    readonly failure: ReadyWaitFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface WaitForReadyOptions {
  /** Requests at most (bounded: a service that never gets ready fails the wait). */
  readonly attempts: number;
  /** Pause between two requests. */
  readonly intervalMs: number;
  /** A request unanswered after this long counts as a failed attempt. No limit when unset. */
  readonly requestTimeoutMs?: number;
  /** Aborting ends the wait ('cancelled') before the next request, cutting a pause short. */
  readonly signal?: AbortSignal;
  /**
   * Resolves when the process being waited on exits: ends the wait ('exited') before the next
   * request, cutting a pause short.
   */
  readonly exited?: Promise<unknown>;
  /**
   * Whether an answer means ready; it reads the body if it needs it, and throwing counts as a failed
   * attempt. Default: HTTP 200 (the body is drained).
   */
  readonly accept?: (response: Response) => Promise<boolean>;
}

const answersOk = async (response: Response): Promise<boolean> => {
  await response.arrayBuffer();
  return response.status === 200;
};

/**
 * Polls `url` (e.g. a service's `/readyz`) until it answers ready: at most `attempts` requests,
 * `intervalMs` apart. Resolves with the attempt that succeeded (from 1). Rejects with a
 * ReadyWaitError: `exited` or `cancelled` as soon as that happens, else `not_ready` with the last
 * answer or error seen as its message (`last answer: HTTP 503`, `last error: ECONNREFUSED`).
 */
export async function waitForReady(url: string, options: WaitForReadyOptions): Promise<number> {
  const { attempts, intervalMs, requestTimeoutMs, signal, exited } = options;
  const accept = options.accept ?? answersOk;
  let hasExited = false;
  void exited?.then(() => {
    hasExited = true;
  });
  const check = (): void => {
    if (hasExited) {
      throw new ReadyWaitError('exited', `exited before ${url} answered ready`);
    }
    if (signal?.aborted === true) {
      throw new ReadyWaitError('cancelled', `the wait for ${url} was cancelled`);
    }
  };
  let last = 'no answer';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    check();
    try {
      const response = await fetch(
        url,
        requestTimeoutMs === undefined ? undefined : { signal: AbortSignal.timeout(requestTimeoutMs) },
      );
      if (await accept(response)) {
        return attempt;
      }
      last = `last answer: HTTP ${response.status}`;
    } catch (error) {
      last = `last error: ${describeFetchError(error)}`;
    }
    if (attempt < attempts) {
      await pause(intervalMs, exited, signal);
    }
  }
  check();
  throw new ReadyWaitError('not_ready', last);
}

/** Waits `ms`, or less when the process exits or the signal aborts. */
function pause(
  ms: number,
  exited: Promise<unknown> | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    void exited?.then(done);
  });
}

/** `ECONNREFUSED`, `timed out`, … (duck-typed: errors may come from another realm, e.g. under Jest). */
export function describeFetchError(error: unknown): string {
  if (typeof error !== 'object' || error === null) {
    return String(error);
  }
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown };
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    return String(cause.code);
  }
  if (name === 'TimeoutError') {
    return 'timed out';
  }
  return typeof message === 'string' ? message : 'unknown error';
}
