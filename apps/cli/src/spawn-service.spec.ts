import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertPortFree,
  PortInUseError,
  ServiceStartError,
  startService,
  type ServiceSpec,
} from './spawn-service';

// A tiny HTTP service: /readyz answers 503 for the first NOT_READY_FOR checks, then 200.
const SERVER = `
const http = require('node:http');
if (process.env.IGNORE_SIGTERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
let checks = 0;
const notReadyFor = Number(process.env.NOT_READY_FOR || 0);
http
  .createServer((req, res) => {
    if (req.url === '/readyz') {
      checks += 1;
      res.statusCode = checks > notReadyFor ? 200 : 503;
    }
    res.end();
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
`;

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : -1);
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Bounded polling of a log file for a line (the child writes it synchronously). */
async function waitForLog(file: string, text: string, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    let content = '';
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      // not created yet
    }
    if (content.includes(text)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`"${text}" never appeared in ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startService', () => {
  let dir: string;
  let port: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'foryou-spawn-'));
    port = await freePort();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function spec(script: string, env: Record<string, string> = {}, attempts = 250): ServiceSpec {
    return {
      name: 'tiny',
      command: process.execPath,
      args: ['-e', script],
      env: { ...process.env, PORT: String(port), ...env },
      logFile: join(dir, 'logs', 'tiny.log'),
      readiness: { url: `http://127.0.0.1:${port}/readyz`, attempts, intervalMs: 20, requestTimeoutMs: 1000 },
    };
  }

  it('waits through 503s until /readyz answers 200, then stops it with SIGTERM', async () => {
    const service = await startService(spec(SERVER, { NOT_READY_FOR: '3' }));

    expect(service.isRunning()).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const exit = await service.stop();
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(service.isRunning()).toBe(false);
    expect(isAlive(service.pid)).toBe(false);
    expect(readFileSync(service.logFile, 'utf8')).toContain(`listening on ${port}`);
  });

  it('escalates to SIGKILL when the service ignores SIGTERM', async () => {
    const service = await startService(spec(SERVER, { IGNORE_SIGTERM: '1' }));

    const exit = await service.stop(200);

    expect(exit.signal).toBe('SIGKILL');
  });

  it('fails with the exit code and the log tail when the service exits before it is ready', async () => {
    const started = startService(spec(`console.error('boom: REDIS_URL is not a URL'); process.exit(3)`));

    await expect(started).rejects.toThrow(ServiceStartError);
    await expect(started).rejects.toThrow(
      /tiny exited before it was ready \(exit code 3\); log: .*tiny\.log/,
    );
    await expect(started.catch((e: ServiceStartError) => e.logTail)).resolves.toContain('boom: REDIS_URL');
  });

  it('gives up after the bounded number of checks, says what it saw, and stops the service', async () => {
    // Alive but never listening: every check is refused.
    const started = startService(spec(`setInterval(() => {}, 1000);`, {}, 5));

    const error = (await started.catch((e: unknown) => e)) as ServiceStartError;

    expect(error).toBeInstanceOf(ServiceStartError);
    expect(error.failure).toBe('not_ready');
    expect(error.message).toMatch(
      /tiny was not ready after 5 checks of .*\/readyz \(last error: ECONNREFUSED\)/,
    );
    expect(error.pid).toBeGreaterThan(0);
    expect(isAlive(error.pid)).toBe(false);
  });

  it('stops the service when start-up is cancelled', async () => {
    const cancel = new AbortController();
    const probeSpec = spec(SERVER, { NOT_READY_FOR: '1000000' });
    // Cancel once the service has answered a readiness check (it is up, but not ready).
    const started = startService(
      { ...probeSpec, readiness: { ...probeSpec.readiness, intervalMs: 60_000 } },
      cancel.signal,
    );
    await waitForLog(probeSpec.logFile, 'listening on');
    cancel.abort();

    const error = (await started.catch((e: unknown) => e)) as ServiceStartError;

    expect(error.failure).toBe('cancelled');
    expect(error.message).toMatch(/tiny start-up was cancelled/);
    expect(isAlive(error.pid)).toBe(false);
  });

  it('reports a command that cannot be spawned', async () => {
    const started = startService({ ...spec(''), command: join(dir, 'no-such-binary') });

    await expect(started).rejects.toThrow(/tiny exited before it was ready \(could not start: .*ENOENT/);
  });
});

describe('assertPortFree', () => {
  it('passes for a free port and names the port that is taken', async () => {
    const server = createServer();
    const port = await listen(server);
    try {
      await expect(assertPortFree(port)).rejects.toThrow(PortInUseError);
      await expect(assertPortFree(port)).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(assertPortFree(port)).resolves.toBeUndefined();
  });
});
