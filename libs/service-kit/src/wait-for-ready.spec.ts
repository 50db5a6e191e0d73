import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeFetchError, ReadyWaitError, waitForReady } from './wait-for-ready';

/** A server whose n-th answer (from 1) has the status `statusOf(n)`; `hang` never answers. */
async function serve(statusOf: (n: number) => number | 'hang') {
  let checks = 0;
  const server = http.createServer((_req, res) => {
    checks += 1;
    const status = statusOf(checks);
    if (status !== 'hang') {
      res.statusCode = status;
      res.end(JSON.stringify({ check: checks }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/readyz`,
    checks: () => checks,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const never = new Promise<never>(() => undefined);

describe(waitForReady.name, () => {
  it('should resolve with the attempt that got a 200', async () => {
    const s = await serve((n) => (n >= 2 ? 200 : 503));
    try {
      await expect(
        waitForReady(s.url, { attempts: 10, intervalMs: 1, requestTimeoutMs: 1000 }),
      ).resolves.toBe(2);
    } finally {
      await s.close();
    }
  });

  it('should report the last status after the bounded number of checks', async () => {
    const s = await serve(() => 503);
    try {
      const wait = waitForReady(s.url, { attempts: 3, intervalMs: 1, requestTimeoutMs: 1000, exited: never });

      await expect(wait).rejects.toThrow(new ReadyWaitError('not_ready', 'last answer: HTTP 503'));
      await expect(wait).rejects.toMatchObject({ failure: 'not_ready' });
      expect(s.checks()).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('should report the last error when nothing answers in time', async () => {
    const s = await serve(() => 'hang');
    try {
      await expect(waitForReady(s.url, { attempts: 2, intervalMs: 1, requestTimeoutMs: 50 })).rejects.toThrow(
        'last error: timed out',
      );
    } finally {
      await s.close();
    }
  });

  it('should let `accept` decide from the answer', async () => {
    const s = await serve(() => 200);
    try {
      const attempt = await waitForReady(s.url, {
        attempts: 10,
        intervalMs: 1,
        accept: async (res) => ((await res.json()) as { check: number }).check === 3,
      });

      expect(attempt).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('should stop at once, mid-pause, when the process exits or the wait is cancelled', async () => {
    const s = await serve(() => 503);
    try {
      let exit!: () => void;
      const exited = new Promise<void>((resolve) => (exit = resolve));
      const waitingOnExit = waitForReady(s.url, { attempts: 5, intervalMs: 60_000, exited });
      const cancel = new AbortController();
      const waitingOnCancel = waitForReady(s.url, { attempts: 5, intervalMs: 60_000, signal: cancel.signal });
      await new Promise((resolve) => setTimeout(resolve, 100)); // both are in their first pause

      exit();
      cancel.abort();

      await expect(waitingOnExit).rejects.toMatchObject({ name: 'ReadyWaitError', failure: 'exited' });
      await expect(waitingOnCancel).rejects.toMatchObject({ name: 'ReadyWaitError', failure: 'cancelled' });
      expect(s.checks()).toBe(2);
    } finally {
      await s.close();
    }
  });
});

describe(describeFetchError.name, () => {
  it('should name the cause’s code, a timeout, or fall back to the message', () => {
    expect(
      describeFetchError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    ).toBe('ECONNREFUSED');
    expect(describeFetchError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe('timed out');
    expect(describeFetchError(new Error('boom'))).toBe('boom');
    expect(describeFetchError('weird')).toBe('weird');
  });
});
