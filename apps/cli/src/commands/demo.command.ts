import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import {
  argParser,
  ConcurrencyArg,
  DurationArg,
  EngagementArg,
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
import { engagementPlan } from '../engagement-traffic';
import { ensureDatabase, redactedUrl } from '../experiments-database';
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
  type ServiceSpec,
} from '../spawn-service';
import { errorRate, formatTrafficReport } from '../traffic-report';
import { waitForDrain } from '../side-effect-drain';
import { FIXED_VIEWER } from '../viewer-mix';
import { sharedTrafficOptions } from './traffic-options';

/** home-mixer's entry point and the demo's log, relative to the repository root. */
export const HOME_MIXER_ENTRY = join('apps', 'home-mixer', 'dist', 'main.js');
export const DEMO_LOG = join('.cache', 'demo', 'home-mixer.log');
/** The demo's other processes: entry points, logs and fixed ports (DESIGN.md §1 defaults). */
export const DEMO_SERVICES = {
  thunder: {
    entry: join('apps', 'thunder', 'dist', 'main.js'),
    log: join('.cache', 'demo', 'thunder.log'),
    http: 8081,
    grpc: 50051,
  },
  phoenix: {
    entry: join('apps', 'phoenix', 'dist', 'main.js'),
    log: join('.cache', 'demo', 'phoenix.log'),
    http: 8082,
    grpc: 50052,
  },
  workers: {
    entry: join('apps', 'workers', 'dist', 'main.js'),
    log: join('.cache', 'demo', 'workers.log'),
    http: 8083,
  },
} as const;
const THUNDER_SNAPSHOTS = join('.cache', 'demo', 'thunder-snapshots');
/** Phoenix keeps trained models here across demo runs (keyed by world and model code version). */
const PHOENIX_ARTIFACTS = join('.cache', 'phoenix');
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
  /** Absent: off (the command line defaults it to on). */
  engagement: EngagementArg.optional(),
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
export function nextSteps(
  port: number,
  limit: number,
  otlpEndpoint: string | undefined,
  adminToken: string,
): string {
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
    '  npm run experiment:report -- recent-engaged-authors-source   # the shipped experiment: reports/…/report.html',
    `  FORYOU_ADMIN_TOKEN=${adminToken} node apps/cli/dist/main.js experiment kill recent-engaged-authors-source \\`,
    `    --variant treatment --reason "guardrail review" --actor "$USER" --target ${base}   # kill switch`,
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
  /** Thunder's and Phoenix's entry scripts and ports (default: DEMO_SERVICES). */
  readonly services?: DemoServices;
  /** Publishes the world's post events (default: `foryou publish-world --reset` as a child process). */
  readonly publish?: (options: DemoOptions) => Promise<void>;
  /** Makes sure the experiments database exists (default: `ensureDatabase`, creating it if missing). */
  readonly prepareStore?: (databaseUrl: string) => Promise<{ readonly created: boolean }>;
}

export interface DemoServiceSpec {
  readonly entry: string;
  readonly log: string;
  readonly http: number;
  readonly grpc?: number;
}

export type DemoServices = Readonly<
  Record<'thunder' | 'phoenix', DemoServiceSpec & { readonly grpc: number }> &
    Record<'workers', DemoServiceSpec>
>;

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

  const services = deps.services ?? DEMO_SERVICES;
  const publish = deps.publish ?? ((o: DemoOptions) => publishWorld(o, env, root));
  for (const [name, svc] of Object.entries(services) as [string, DemoServiceSpec][]) {
    if (!existsSync(resolve(root, svc.entry))) {
      throw new CliError(`${name} is not built (${svc.entry} is missing). Run \`npm run build\` first.`);
    }
    for (const port of [svc.http, svc.grpc].filter((p) => p !== undefined)) {
      await assertPortFree(port).catch((error: unknown) => {
        throw error instanceof PortInUseError
          ? new CliError(
              `port ${port} (${name}) is already in use — is another demo still running? Stop it first.`,
            )
          : error;
      });
    }
  }

  // One controller for Ctrl-C / SIGTERM / SIGHUP, from here to the end; a second signal kills at once.
  // The services run in their own process groups, so the terminal's Ctrl-C reaches only this process.
  const shutdown = new AbortController();
  const running: RunningService[] = [];
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.signal.aborted) {
      io.err(`\n${signal} again: killing the services now\n`);
      running.forEach((s) => s.kill());
      return;
    }
    io.err(`\n${signal}: stopping…\n`);
    shutdown.abort();
  };
  for (const signal of STOP_SIGNALS) {
    process.on(signal, onSignal);
  }
  // The admin API (kill switches) needs a token; a made-up one is printed with the next steps.
  const adminToken = env.adminToken ?? randomBytes(16).toString('hex');
  const stopAll = async () => {
    // home-mixer first (it calls the others), then Phoenix and Thunder (Thunder snapshots on SIGTERM).
    for (const s of [...running].reverse()) {
      if (s.isRunning()) {
        io.out(`${s.name} stopped (${describeExit(await s.stop(STOP_GRACE_MS))}).\n`);
      }
    }
  };
  try {
    const service = await startStack(
      options,
      {
        env,
        root,
        entry,
        io,
        services,
        publish,
        adminToken,
        prepareStore: deps.prepareStore ?? ensureDatabase,
      },
      shutdown.signal,
      running,
    );
    if (service === undefined) {
      return 130; // interrupted during start-up; already stopped
    }
    const passed = await drive(options, env, service, io, shutdown.signal, services.workers.http, adminToken);
    const dead = running.find((s) => !s.isRunning());
    if (dead) {
      io.err(`${dead.name} exited during the demo (${describeExit(await dead.exited)}); last log lines:\n`);
      io.err(`${indent(readLogTail(dead.logFile, 20))}\n`);
      return 1;
    }
    if (!options.exit && !shutdown.signal.aborted) {
      io.out(
        `\nhome-mixer keeps running on http://127.0.0.1:${options.port} with Thunder (:${services.thunder.grpc}), ` +
          `Phoenix (:${services.phoenix.grpc}) and the workers (:${services.workers.http}); ` +
          `logs in ${relative(process.cwd(), dirname(service.logFile))}/.` +
          '\nPress Ctrl-C to stop them (or run the demo with --exit).\n',
      );
      const outcome = await Promise.race([
        ...running.map((s) => s.exited.then(() => s)),
        new Promise<'signal'>((resolve) =>
          shutdown.signal.addEventListener('abort', () => resolve('signal')),
        ),
      ]);
      if (outcome !== 'signal') {
        io.err(`${outcome.name} exited (${describeExit(await outcome.exited)}); last log lines:\n`);
        io.err(`${indent(readLogTail(outcome.logFile, 20))}\n`);
        return 1;
      }
    }
    await stopAll();
    return passed ? 0 : 1;
  } finally {
    for (const signal of STOP_SIGNALS) {
      process.removeListener(signal, onSignal);
    }
    await stopAll();
  }
}

/**
 * Publishes the world's post events to Redis Streams, starts Thunder, Phoenix (it trains its models on
 * first use and caches them) and the workers (side effects), then home-mixer pointed at them. Every
 * started service is pushed to `running` at once, so an interrupted start-up still stops it. Undefined
 * when cancelled.
 */
async function startStack(
  options: DemoOptions,
  ctx: {
    env: CliEnv;
    root: string;
    entry: string;
    io: CliIo;
    services: DemoServices;
    publish: (options: DemoOptions) => Promise<void>;
    /** home-mixer's admin API token (kill switches). */
    adminToken: string;
    prepareStore: (databaseUrl: string) => Promise<{ readonly created: boolean }>;
  },
  signal: AbortSignal,
  running: RunningService[],
): Promise<RunningService | undefined> {
  const { env, root, entry, io } = ctx;
  const common = { ...env.inherited, REDIS_URL: env.redisUrl, LOG_LEVEL: env.demoLogLevel };
  const database = await ctx.prepareStore(env.databaseUrl).catch((err: unknown) => {
    throw new CliError(err instanceof Error ? err.message : String(err));
  });
  io.out(`Experiments store: ${redactedUrl(env.databaseUrl)}${database.created ? ' (created)' : ''}\n`);
  io.out(`Publishing the ${options.scale} world's post events to Redis Streams (Thunder's input)…\n`);
  await ctx.publish(options);
  rmSync(join(root, THUNDER_SNAPSHOTS), { recursive: true, force: true });

  const readiness = (port: number, timeoutS: number) => ({
    url: `http://127.0.0.1:${port}/readyz`,
    attempts: Math.max(1, Math.ceil((timeoutS * 1000) / READY_POLL_MS)),
    intervalMs: READY_POLL_MS,
    requestTimeoutMs: 2_000,
  });
  const launch = async (
    name: string,
    spec: Omit<ServiceSpec, 'name' | 'command' | 'cwd' | 'ownProcessGroup'>,
  ) => {
    io.out(`Starting ${name} — log: ${relative(process.cwd(), spec.logFile)}\n`);
    const startedAt = Date.now();
    const service = await startService(
      { name, command: process.execPath, cwd: root, ownProcessGroup: true, ...spec },
      signal,
      (s) => running.push(s),
    );
    io.out(`${name} is ready (pid ${service.pid}, ${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`);
    return service;
  };
  try {
    const { thunder, phoenix, workers } = ctx.services;
    await Promise.all([
      launch('workers', {
        args: [resolve(root, workers.entry)],
        env: {
          ...common,
          WORKERS_HTTP_PORT: String(workers.http),
          DATABASE_URL: env.databaseUrl,
          WORLD_SCALE: options.scale,
          WORLD_SEED: String(options.seed),
        },
        logFile: resolve(root, workers.log),
        readiness: readiness(workers.http, options.readyTimeout),
      }),
      launch('thunder', {
        args: [resolve(root, thunder.entry)],
        env: {
          ...common,
          THUNDER_HTTP_PORT: String(thunder.http),
          THUNDER_GRPC_PORT: String(thunder.grpc),
          THUNDER_SNAPSHOT_DIR: join(root, THUNDER_SNAPSHOTS),
        },
        logFile: resolve(root, thunder.log),
        readiness: readiness(thunder.http, options.readyTimeout),
      }),
      launch('phoenix', {
        args: [resolve(root, phoenix.entry)],
        env: {
          ...common,
          PHOENIX_HTTP_PORT: String(phoenix.http),
          PHOENIX_GRPC_PORT: String(phoenix.grpc),
          PHOENIX_ARTIFACT_DIR: join(root, PHOENIX_ARTIFACTS),
          WORLD_SCALE: options.scale,
          WORLD_SEED: String(options.seed),
        },
        logFile: resolve(root, phoenix.log),
        // The first start on a fresh machine trains the models.
        readiness: readiness(phoenix.http, options.readyTimeout * 3),
      }),
    ]);
    return await launch('home-mixer', {
      args: [entry],
      env: {
        ...common,
        PORT: String(options.port),
        WORLD_SCALE: options.scale,
        WORLD_SEED: String(options.seed),
        THUNDER_ADDRESS: `127.0.0.1:${thunder.grpc}`,
        PHOENIX_ADDRESS: `127.0.0.1:${phoenix.grpc}`,
        ADMIN_TOKEN: ctx.adminToken,
      },
      logFile: join(root, DEMO_LOG),
      readiness: readiness(options.port, options.readyTimeout),
    });
  } catch (error) {
    if (error instanceof ServiceStartError) {
      if (error.failure === 'cancelled') {
        io.err('start-up cancelled; the services have been stopped.\n');
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

/** Runs `foryou publish-world --reset` for the demo's world as a child process (its progress bar shows). */
async function publishWorld(options: DemoOptions, env: CliEnv, root: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      join(root, 'apps', 'cli', 'dist', 'main.js'),
      'publish-world',
      '--scale',
      options.scale,
      '--seed',
      String(options.seed),
      '--redis-url',
      env.redisUrl,
      '--reset',
    ],
    { cwd: root, env: env.inherited, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    throw new CliError(`publishing the world failed (exit ${code}); is Redis up at ${env.redisUrl}?`);
  }
}

/** Sends the traffic and prints the summary and next steps. True when the error rate is within bounds. */
async function drive(
  options: DemoOptions,
  env: CliEnv,
  service: RunningService,
  io: CliIo,
  shutdown: AbortSignal,
  workersPort: number,
  adminToken: string,
): Promise<boolean> {
  let plan = demoPlan(options);
  if (options.engagement === 'on') {
    io.out(
      `Generating the ${options.scale} world here too: each feed's viewer reacts to it (the world's ` +
        'engagement simulator) and the events are POSTed to /v1/events/engagement…\n',
    );
    plan = { ...plan, engagement: engagementPlan(options.scale, options.seed) };
  }
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
  io.out(`${formatTrafficReport(plan.target.href, result, options.maxErrorRate)}\n`);
  io.out(`${await sideEffectSummary(workersPort)}\n\n`);
  io.out(`${nextSteps(options.port, options.limit, env.otlpEndpoint, adminToken)}\n`);
  return errorRate(result) <= options.maxErrorRate;
}

/** Waits (bounded) for the workers to apply the traffic's side effects and says how that went. */
async function sideEffectSummary(workersPort: number): Promise<string> {
  const url = `http://127.0.0.1:${workersPort}/metrics`;
  const drain = await waitForDrain(url, 60, 250);
  if (!drain) {
    return `side effects: the workers' metrics are unavailable (${url})`;
  }
  const { backlog: b } = drain;
  const n = (v: number) => v.toLocaleString('en-US');
  const state = drain.drained
    ? `queue drained (${drain.seconds.toFixed(1)} s after the last response)`
    : `${n(b.pending)} still pending after ${drain.seconds.toFixed(0)} s`;
  return (
    `side effects: ${n(b.applied)} applied, ${n(b.duplicates)} duplicate deliveries absorbed, ` +
    `${n(b.quarantined)} quarantined; ${state} — curl -s ${url} | grep '^foryou_async'`
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}
