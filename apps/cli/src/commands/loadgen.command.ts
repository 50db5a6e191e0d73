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
  RateArg,
  RequestsArg,
  ScaleArg,
  SeedArg,
  TargetUrlArg,
  TimeoutMsArg,
  ViewersArg,
  WORLD_SCALES,
} from '../args';
import { readCliEnv } from '../config/cli-env';
import { engagementPlan } from '../engagement-traffic';
import { runTraffic, type TrafficDeps, type TrafficPlan } from '../http-traffic';
import type { CliIo } from '../io';
import { createTrafficProgress } from '../progress';
import { errorRate, formatTrafficReport } from '../traffic-report';
import { sharedTrafficOptions } from './traffic-options';

export const DEFAULT_TARGET = 'http://127.0.0.1:8080/';
/** Without --rate and --requests, a closed-loop run stops after this many requests. */
export const DEFAULT_CLOSED_LOOP_REQUESTS = 1000;
/** Used for --viewers' mix; fixed so two runs send the same sequence. */
const VIEWER_SEED = 42;
/** home-mixer's default WORLD_SEED. */
const DEFAULT_WORLD_SEED = 42;

const LoadgenOptions = z.object({
  target: TargetUrlArg,
  rate: RateArg.optional(),
  duration: DurationArg,
  requests: RequestsArg.optional(),
  concurrency: ConcurrencyArg,
  viewers: ViewersArg,
  limit: LimitArg,
  timeout: TimeoutMsArg,
  maxErrorRate: ErrorRateArg,
  /** Absent: off (the command line defaults it to on). */
  engagement: EngagementArg.optional(),
  /** The world the target serves, for the engagement simulator; default medium / 42. */
  scale: ScaleArg.optional(),
  seed: SeedArg.optional(),
});
export type LoadgenOptions = z.infer<typeof LoadgenOptions>;

/**
 * The bounded plan for the options: at most `--requests` (default rate × duration with --rate, else
 * 1000) and nothing started after `--duration`.
 */
export function loadgenPlan(options: LoadgenOptions): TrafficPlan {
  const requests =
    options.requests ??
    (options.rate !== undefined
      ? Math.max(1, Math.ceil(options.rate * options.duration))
      : DEFAULT_CLOSED_LOOP_REQUESTS);
  return {
    target: new URL(options.target),
    requests,
    durationMs: options.duration * 1000,
    ratePerSecond: options.rate,
    concurrency: options.concurrency,
    viewers: options.viewers,
    viewerSeed: VIEWER_SEED,
    limit: options.limit,
    timeoutMs: options.timeout,
  };
}

export function describePlan(plan: TrafficPlan): string {
  const pacing =
    plan.ratePerSecond === undefined
      ? `closed loop, ${plan.concurrency} in flight`
      : `${plan.ratePerSecond} req/s, up to ${plan.concurrency} in flight`;
  const duration = plan.durationMs === undefined ? '' : ` or ${plan.durationMs / 1000} s`;
  return `${pacing}; stops after ${plan.requests} requests${duration}, whichever comes first`;
}

export interface LoadgenDeps {
  readonly io: CliIo;
  /** Injected in tests; real fetch/clock otherwise. */
  readonly traffic?: TrafficDeps;
}

export function loadgenCommand(deps: LoadgenDeps): Command {
  const command = new Command('loadgen')
    .description(
      'Send bounded synthetic feed traffic to a running home-mixer (and nowhere else), then print a status and latency summary.',
    )
    .addOption(
      new Option('--target <url>', 'home-mixer base URL; the only host contacted')
        .argParser(argParser(TargetUrlArg))
        .default(DEFAULT_TARGET),
    )
    .addOption(
      new Option('--rate <rps>', 'open-loop pacing in requests per second (default: closed loop)').argParser(
        argParser(RateArg),
      ),
    )
    .addOption(
      new Option('--duration <s>', 'start no request after this many seconds')
        .argParser(argParser(DurationArg))
        .default(60),
    )
    .addOption(
      new Option(
        '--requests <n>',
        `stop after this many requests (default: rate × duration with --rate, else ${DEFAULT_CLOSED_LOOP_REQUESTS})`,
      ).argParser(argParser(RequestsArg)),
    );
  for (const option of sharedTrafficOptions({ concurrency: 8, timeoutMs: 5000 })) {
    command.addOption(option);
  }
  command
    .addOption(
      new Option('--scale <scale>', "the target's world scale (the engagement simulator's ground truth)")
        .choices(WORLD_SCALES)
        .argParser(argParser(ScaleArg))
        .default('medium'),
    )
    .addOption(new Option('--seed <n>', "the target's world seed").argParser(argParser(SeedArg)).default(42));
  return command.action(async (_options: unknown, self: Command) => {
    const options = parseOptions(LoadgenOptions, self.opts());
    process.exitCode = await runLoadgen(options, deps);
  });
}

/** Runs one bounded load; Ctrl-C stops it early and still prints the summary. Returns the exit code. */
export async function runLoadgen(options: LoadgenOptions, deps: LoadgenDeps): Promise<number> {
  const { io } = deps;
  const env = readCliEnv();
  let plan = loadgenPlan(options);
  io.out(`loadgen → ${plan.target.href} (${describePlan(plan)})\n`);
  if (options.engagement === 'on') {
    const scale = options.scale ?? 'medium';
    const seed = options.seed ?? DEFAULT_WORLD_SEED;
    io.out(`Generating the ${scale} world (seed ${seed}) for the engagement simulator…\n`);
    plan = { ...plan, engagement: engagementPlan(scale, seed) };
  }

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  const signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) {
    process.once(signal, onSignal);
  }
  const progress = createTrafficProgress(plan.requests, env.interactive);
  try {
    const result = await runTraffic(plan, {
      signal: stop.signal,
      onProgress: (tally) => progress.update(tally),
      ...(deps.traffic === undefined ? {} : { deps: deps.traffic }),
    });
    progress.stop();
    io.out(`${formatTrafficReport(plan.target.href, result, options.maxErrorRate)}\n`);
    return errorRate(result) <= options.maxErrorRate ? 0 : 1;
  } finally {
    progress.stop();
    for (const signal of signals) {
      process.removeListener(signal, onSignal);
    }
  }
}
