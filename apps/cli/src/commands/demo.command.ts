import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import {
  argParser,
  ConcurrencyArg,
  DurationArg,
  ErrorRateArg,
  LimitArg,
  parseOptions,
  PortArg,
  RequestsArg,
  ScaleArg,
  SeedArg,
  TimeoutMsArg,
  ViewersArg,
  WORLD_SCALES,
} from '../args';
import { readCliEnv, type CliEnv } from '../config/cli-env';
import { runTraffic, type TrafficPlan } from '../http-traffic';
import { CliError, type CliIo } from '../io';
import { createTrafficProgress } from '../progress';
import { findRepoRoot } from '../repo-root';
import {
  assertPortFree,
  describeExit,
  PortInUseError,
  readLogTail,
  ServiceStartError,
  startService,
  type RunningService,
} from '../spawn-service';
import { errorRate, formatTrafficReport } from '../traffic-report';
import { FIXED_VIEWER } from '../viewer-mix';
import { sharedTrafficOptions } from './traffic-options';

/** home-mixer's entry point and the demo's log, relative to the repository root. */
export const HOME_MIXER_ENTRY = join('apps', 'home-mixer', 'dist', 'main.js');
export const DEMO_LOG = join('.cache', 'demo', 'home-mixer.log');
/** Readiness is polled this often; --ready-timeout / interval = the bounded number of checks. */
const READY_POLL_MS = 250;
const STOP_GRACE_MS = 10_000;
/** Ctrl-C, `kill`, and a closed terminal all stop home-mixer the same orderly way. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** The demo's traffic is bounded in time as well as count. */
const DEMO_TRAFFIC_MAX_MS = 10 * 60_000;

const DemoOptions = z.object({
  scale: ScaleArg,
  seed: SeedArg,
  port: PortArg,
  requests: RequestsArg,
  concurrency: ConcurrencyArg,
  viewers: ViewersArg,
  limit: LimitArg,
  timeout: TimeoutMsArg,
  maxErrorRate: ErrorRateArg,
  readyTimeout: DurationArg,
  exit: z.boolean().default(false),
  keepRunning: z.boolean().optional(),
});
export type DemoOptions = z.infer<typeof DemoOptions>;

export function demoPlan(options: DemoOptions): TrafficPlan {
  return {
    target: new URL(`http://127.0.0.1:${options.port}/`),
    requests: options.requests,
    durationMs: DEMO_TRAFFIC_MAX_MS,
    ratePerSecond: undefined,
    concurrency: options.concurrency,
    viewers: options.viewers,
    viewerSeed: options.seed,
    limit: options.limit,
    timeoutMs: options.timeout,
  };
}

/** What to try next, printed after the traffic summary. */
export function nextSteps(port: number, limit: number, otlpEndpoint: string | undefined): string {
  const base = `http://127.0.0.1:${port}`;
  const query = `viewer_id=${FIXED_VIEWER}&limit=${limit}`;
  const traces =
    otlpEndpoint === undefined
      ? 'traces: not exported — set OTEL_EXPORTER_OTLP_ENDPOINT to export traces (e.g. http://127.0.0.1:4318 with `docker compose up -d jaeger`, UI on :16686)'
      : `traces: exported over OTLP to ${otlpEndpoint} (Jaeger UI: http://127.0.0.1:16686 when using docker compose)`;
  return [
    'Try next:',
    `  curl -s '${base}/v1/feed/for-you/debug?${query}' | jq     # the feed + stage and candidate ledgers, records nothing`,
    `  curl -s '${base}/v1/feed/for-you?${query}' | jq           # the real feed: records what it served`,
    `  curl -s ${base}/metrics | grep '^foryou_'`,
    `  ${traces}`,
  ].join('\n');
}

export function demoCommand(io: CliIo): Command {
  const command = new Command('demo')
    .description(
      'Start home-mixer on a synthetic world, send it feed traffic, print a summary and what to try next. ' +
        'home-mixer keeps running until Ctrl-C unless --exit is given.',
    )
    .addOption(
      new Option('--scale <scale>', 'world scale')
        .choices(WORLD_SCALES)
        .argParser(argParser(ScaleArg))
        .default('medium'),
    )
    .addOption(new Option('--seed <n>', 'world seed').argParser(argParser(SeedArg)).default(42))
    .addOption(new Option('--port <n>', 'home-mixer HTTP port').argParser(argParser(PortArg)).default(8080))
    .addOption(
      new Option('--requests <n>', 'feed requests to send').argParser(argParser(RequestsArg)).default(200),
    );
  for (const option of sharedTrafficOptions({ concurrency: 4, timeoutMs: 10_000 })) {
    command.addOption(option);
  }
  return command
    .addOption(
      new Option('--ready-timeout <s>', 'give up if home-mixer is not ready after this many seconds')
        .argParser(argParser(DurationArg))
        .default(180),
    )
    .addOption(
      new Option('--keep-running', 'keep home-mixer up until Ctrl-C (the default)').conflicts('exit'),
    )
    .addOption(new Option('--exit', 'stop home-mixer and exit once the traffic summary is printed'))
    .action(async (_options: unknown, self: Command) => {
      const options = parseOptions(DemoOptions, self.opts());
      process.exitCode = await runDemo(options, { io });
    });
}

export interface DemoDeps {
  readonly io: CliIo;
  /** Repository root (default: found from this file); the log goes to <root>/.cache/demo/. */
  readonly root?: string;
  /** home-mixer entry script (default: <root>/apps/home-mixer/dist/main.js). */
  readonly entry?: string;
}

/** The whole demo. Returns the exit code: 0 when the traffic met --max-error-rate, else 1. */
export async function runDemo(options: DemoOptions, deps: DemoDeps): Promise<number> {
  const { io } = deps;
  const env = readCliEnv();
  const root = deps.root ?? findRepoRoot();
  const entry = deps.entry ?? join(root, HOME_MIXER_ENTRY);
  if (!existsSync(entry)) {
    throw new CliError(
      `home-mixer is not built (${relative(process.cwd(), entry)} is missing). Run \`npm run build\` first — \`npm run demo\` does both.`,
    );
  }
  await assertPortFree(options.port).catch((error: unknown) => {
    throw error instanceof PortInUseError
      ? new CliError(
          `port ${options.port} is already in use — is home-mixer (or another demo) already running? ` +
            `Stop it, or choose another port: npm run demo -- --port ${options.port < 65_000 ? options.port + 10 : 18080}`,
        )
      : error;
  });

  // One controller for Ctrl-C / SIGTERM / SIGHUP, from here to the end; a second signal kills at once.
  // home-mixer runs in its own process group, so the terminal's Ctrl-C reaches only this process.
  const shutdown = new AbortController();
  let service: RunningService | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.signal.aborted) {
      io.err(`\n${signal} again: killing home-mixer now\n`);
      service?.kill();
      return;
    }
    io.err(`\n${signal}: stopping…\n`);
    shutdown.abort();
  };
  for (const signal of STOP_SIGNALS) {
    process.on(signal, onSignal);
  }
  try {
    service = await start(options, env, root, entry, io, shutdown.signal);
    if (service === undefined) {
      return 130; // interrupted during start-up; already stopped
    }
    const passed = await drive(options, env, service, io, shutdown.signal);
    if (!service.isRunning()) {
      io.err(`home-mixer exited during the demo (${describeExit(await service.exited)}); last log lines:\n`);
      io.err(`${indent(readLogTail(service.logFile, 20))}\n`);
      return 1;
    }
    if (!options.exit && !shutdown.signal.aborted) {
      io.out(
        `\nhome-mixer keeps running on http://127.0.0.1:${options.port} (pid ${service.pid}, log ${relative(process.cwd(), service.logFile)}).` +
          '\nPress Ctrl-C to stop it (or run the demo with --exit).\n',
      );
      const outcome = await Promise.race([
        service.exited.then(() => 'exited' as const),
        new Promise<'signal'>((resolve) =>
          shutdown.signal.addEventListener('abort', () => resolve('signal')),
        ),
      ]);
      if (outcome === 'exited') {
        io.err(`home-mixer exited (${describeExit(await service.exited)}); last log lines:\n`);
        io.err(`${indent(readLogTail(service.logFile, 20))}\n`);
        return 1;
      }
    }
    const exit = await service.stop(STOP_GRACE_MS);
    io.out(`home-mixer stopped (${describeExit(exit)}).\n`);
    return passed ? 0 : 1;
  } finally {
    for (const signal of STOP_SIGNALS) {
      process.removeListener(signal, onSignal);
    }
    if (service?.isRunning() === true) {
      await service.stop(STOP_GRACE_MS);
    }
  }
}

async function start(
  options: DemoOptions,
  env: CliEnv,
  root: string,
  entry: string,
  io: CliIo,
  signal: AbortSignal,
): Promise<RunningService | undefined> {
  const logFile = join(root, DEMO_LOG);
  io.out(
    `Starting home-mixer (world ${options.scale}, seed ${options.seed}) on http://127.0.0.1:${options.port}` +
      ` — log: ${relative(process.cwd(), logFile)}\n`,
  );
  const startedAt = Date.now();
  try {
    const service = await startService(
      {
        name: 'home-mixer',
        command: process.execPath,
        args: [entry],
        cwd: root,
        env: {
          ...env.inherited,
          PORT: String(options.port),
          WORLD_SCALE: options.scale,
          WORLD_SEED: String(options.seed),
          REDIS_URL: env.redisUrl,
          LOG_LEVEL: env.demoLogLevel,
        },
        logFile,
        ownProcessGroup: true,
        readiness: {
          url: `http://127.0.0.1:${options.port}/readyz`,
          attempts: Math.max(1, Math.ceil((options.readyTimeout * 1000) / READY_POLL_MS)),
          intervalMs: READY_POLL_MS,
          requestTimeoutMs: 2_000,
        },
      },
      signal,
    );
    io.out(`home-mixer is ready (pid ${service.pid}, ${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`);
    return service;
  } catch (error) {
    if (error instanceof ServiceStartError) {
      if (error.failure === 'cancelled') {
        io.err('home-mixer start-up cancelled; it has been stopped.\n');
        return undefined;
      }
      throw new CliError(
        `${error.message}\n` +
          (error.logTail === '' ? '(the log is empty)' : `last log lines:\n${indent(error.logTail)}`) +
          `\nIs Redis up at ${env.redisUrl}? (redis-cli ping)`,
      );
    }
    throw error;
  }
}

/** Sends the traffic and prints the summary and next steps. True when the error rate is within bounds. */
async function drive(
  options: DemoOptions,
  env: CliEnv,
  service: RunningService,
  io: CliIo,
  shutdown: AbortSignal,
): Promise<boolean> {
  const plan = demoPlan(options);
  // Stop sending as soon as home-mixer dies or the operator interrupts.
  const stop = new AbortController();
  shutdown.addEventListener('abort', () => stop.abort(), { once: true });
  void service.exited.then(() => stop.abort());

  io.out(`Sending ${plan.requests} feed requests (${plan.concurrency} in flight)…\n`);
  const progress = createTrafficProgress(plan.requests, env.interactive);
  const result = await runTraffic(plan, {
    signal: stop.signal,
    onProgress: (tally) => progress.update(tally),
  });
  progress.stop();
  io.out(`${formatTrafficReport(plan.target.href, result, options.maxErrorRate)}\n\n`);
  io.out(`${nextSteps(options.port, options.limit, env.otlpEndpoint)}\n`);
  return errorRate(result) <= options.maxErrorRate;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}
