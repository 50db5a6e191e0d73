import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { ReadyWaitError, waitForReady } from '@foryou/service-kit';

/** How to start a service and how to know it is ready. */
export interface ServiceSpec {
  /** Short name for messages, e.g. `home-mixer`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The child's whole environment (callers merge process.env themselves). */
  readonly env: NodeJS.ProcessEnv;
  /** stdout and stderr go here (truncated on start); its tail is shown when start-up fails. */
  readonly logFile: string;
  readonly readiness: ReadinessProbe;
  /**
   * Own process group: a terminal's Ctrl-C then reaches only the caller, which stops the service in
   * order (SIGTERM, grace, SIGKILL) instead of racing it.
   */
  readonly ownProcessGroup?: boolean;
}

/** Readiness = `GET url` answers 200. Polled at most `attempts` times, `intervalMs` apart. */
export interface ReadinessProbe {
  readonly url: string;
  readonly attempts: number;
  readonly intervalMs: number;
  readonly requestTimeoutMs: number;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  readonly spawnError?: Error;
}

export interface RunningService {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL if it is still alive after `graceMs`. Resolves once it has exited. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** SIGKILL now (no-op once exited). */
  kill(): void;
}

/** Why start-up failed: the process exited, never became ready, or start-up was cancelled. */
export type StartFailure = 'exited' | 'not_ready' | 'cancelled';

/** Start-up failed; the process has been stopped. Carries the log tail. */
export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
  constructor(
    readonly failure: StartFailure,
    message: string,
    readonly logTail: string,
    /** The stopped process (-1 if it never started). */
    readonly pid: number,
  ) {
    super(message);
  }
}

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

export const DEFAULT_STOP_GRACE_MS = 5_000;

/**
 * Spawns the service, then waits until it is ready. On failure (or when `signal` aborts) the process
 * is stopped and a ServiceStartError says why.
 */
export async function startService(
  spec: ServiceSpec,
  signal?: AbortSignal,
  /** Called as soon as the process exists, before readiness (so a caller can stop it on interruption). */
  onSpawned?: (service: RunningService) => void,
): Promise<RunningService> {
  const service = spawnService(spec);
  onSpawned?.(service);
  try {
    const { url, attempts, intervalMs, requestTimeoutMs } = spec.readiness;
    await waitForReady(url, { attempts, intervalMs, requestTimeoutMs, signal, exited: service.exited });
  } catch (error) {
    const exit = await service.stop();
    const failure: StartFailure = error instanceof ReadyWaitError ? error.failure : 'not_ready';
    const reason =
      failure === 'exited'
        ? `exited before it was ready (${describeExit(exit)})`
        : failure === 'cancelled'
          ? 'start-up was cancelled'
          : `was not ready after ${spec.readiness.attempts} checks of ${spec.readiness.url} (${(error as Error).message})`;
    throw new ServiceStartError(
      failure,
      `${spec.name} ${reason}; log: ${spec.logFile}`,
      readLogTail(spec.logFile, 30),
      service.pid,
    );
  }
  return service;
}

/** Spawns the process with output to the log file. Does not wait for readiness. */
export function spawnService(spec: ServiceSpec): RunningService {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = openSync(spec.logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', log, log],
      detached: spec.ownProcessGroup === true,
    });
  } finally {
    closeSync(log); // the child holds its own copy
  }

  let exitInfo: ExitInfo | undefined;
  // A crashed or killed CLI must not leave the service behind.
  const killOnParentExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnParentExit);
  const exited = new Promise<ExitInfo>((resolve) => {
    const done = (info: ExitInfo): void => {
      if (exitInfo === undefined) {
        exitInfo = info;
        process.removeListener('exit', killOnParentExit);
        resolve(info);
      }
    };
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', (spawnError) => done({ code: null, signal: null, spawnError }));
  });

  const stop = async (graceMs = DEFAULT_STOP_GRACE_MS): Promise<ExitInfo> => {
    if (exitInfo !== undefined) {
      return exitInfo;
    }
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const escalated = new Promise<'grace_over'>((resolve) => {
      timer = setTimeout(() => resolve('grace_over'), graceMs);
    });
    const first = await Promise.race([exited, escalated]);
    clearTimeout(timer);
    if (first === 'grace_over') {
      child.kill('SIGKILL');
    }
    return exited;
  };

  return {
    name: spec.name,
    pid: child.pid ?? -1,
    logFile: spec.logFile,
    exited,
    isRunning: () => exitInfo === undefined,
    stop,
    kill: () => {
      if (exitInfo === undefined) {
        child.kill('SIGKILL');
      }
    },
  };
}

export function describeExit(exit: ExitInfo): string {
  if (exit.spawnError !== undefined) {
    return `could not start: ${exit.spawnError.message}`;
  }
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** The last `lines` lines of a log file ('' when it cannot be read). */
export function readLogTail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Fails with PortInUseError when something already listens on `port` (any address): the probe binds
 * the dual-stack wildcard, which conflicts with a listener on 0.0.0.0, 127.0.0.1, :: or ::1.
 */
export function assertPortFree(port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    });
    probe.listen({ port, exclusive: true }, () => {
      probe.close(() => resolve());
    });
  });
}
