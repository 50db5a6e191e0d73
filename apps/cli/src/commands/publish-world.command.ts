import { generateWorld } from '@foryou/world';
import { Command, Option } from 'commander';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { argParser, parseOptions, ScaleArg, SeedArg, WORLD_SCALES } from '../args';
import { readCliEnv } from '../config/cli-env';
import { CliError, type CliIo } from '../io';
import {
  BatchArg,
  FractionArg,
  LatenessArg,
  PartitionsArg,
  PrefixArg,
  RedisUrlArg,
  WindowArg,
} from '../publish/publish-args';
import { createPublishProgress } from '../publish/publish-progress';
import { redisPublishTarget, writeEvents, type PublishTarget } from '../publish/stream-writer';
import { planWorldEvents, type WorldEventPlan } from '../publish/world-event-plan';

/** MULTI/EXEC batches in flight at once: enough to keep one connection busy. */
const MAX_IN_FLIGHT = 4;

const PublishWorldOptions = z.object({
  scale: ScaleArg,
  seed: SeedArg,
  partitions: PartitionsArg,
  redisUrl: RedisUrlArg.optional(),
  prefix: PrefixArg,
  duplicateRate: FractionArg,
  reorderWindow: WindowArg,
  lateRate: FractionArg,
  lateBy: LatenessArg,
  updateRate: FractionArg,
  deleteRate: FractionArg,
  batchSize: BatchArg,
  reset: z.boolean().default(false),
});
export type PublishWorldOptions = z.infer<typeof PublishWorldOptions>;

export interface PublishWorldDeps {
  readonly io: CliIo;
  /** Injected in tests; a real Redis connection otherwise. */
  readonly connect?: (redisUrl: string) => PublishTarget;
  readonly nowMs?: () => number;
}

export function publishWorldCommand(deps: PublishWorldDeps): Command {
  const option = <T>(flags: string, help: string, schema: z.ZodType<T, unknown>, fallback?: T) => {
    const o = new Option(flags, help).argParser(argParser(schema));
    return fallback === undefined ? o : o.default(fallback);
  };
  return new Command('publish-world')
    .description(
      "Publish a synthetic world's posts as Thunder post events on Redis Streams (create/update/delete, " +
        'with duplicates, local reordering and late events), then print a summary. Rerunning with the same ' +
        'seed reproduces the same streams only with --reset; without it the events are appended again.',
    )
    .addOption(
      new Option('--scale <scale>', 'world scale')
        .choices(WORLD_SCALES)
        .argParser(argParser(ScaleArg))
        .default('medium'),
    )
    .addOption(option('--seed <n>', 'world seed (also seeds the noise)', SeedArg, 42))
    .addOption(
      option('--partitions <n>', 'stream partitions (must match THUNDER_PARTITIONS)', PartitionsArg, 8),
    )
    .addOption(
      option('--redis-url <url>', 'Redis (default: $REDIS_URL or redis://127.0.0.1:6379)', RedisUrlArg),
    )
    .addOption(option('--prefix <prefix>', 'key prefix (must match REDIS_KEY_PREFIX)', PrefixArg, 'foryou:'))
    .addOption(
      option('--duplicate-rate <ratio>', 'events published twice with the same event_id', FractionArg, 0.01),
    )
    .addOption(option('--reorder-window <n>', 'shuffle events within windows of n entries', WindowArg, 50))
    .addOption(option('--late-rate <ratio>', 'events published late', FractionArg, 0.005))
    .addOption(option('--late-by <ms>', 'how late at most, in content-time ms', LatenessArg, 1_800_000))
    .addOption(option('--update-rate <ratio>', 'posts that get an update (version 2)', FractionArg, 0.01))
    .addOption(option('--delete-rate <ratio>', 'posts that get deleted (version 3)', FractionArg, 0.002))
    .addOption(option('--batch-size <n>', 'XADDs per MULTI/EXEC batch', BatchArg, 1000))
    .addOption(new Option('--reset', 'delete the streams (and start a new stream epoch) first'))
    .action(async (_options: unknown, self: Command) => {
      const options = parseOptions(PublishWorldOptions, self.opts());
      process.exitCode = await runPublishWorld(options, deps);
    });
}

function connectRedis(url: string): PublishTarget {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => (attempt > 3 ? null : 200 * attempt),
  });
  redis.on('error', () => undefined); // reported through the failing command
  return redisPublishTarget(redis);
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function formatSummary(
  plan: WorldEventPlan,
  options: PublishWorldOptions,
  written: { written: number; perPartition: readonly number[]; interrupted: boolean },
  seconds: number,
  deletedStreams: number | undefined,
): string {
  const c = plan.counts;
  const rate = seconds > 0 ? Math.round(written.written / seconds) : written.written;
  return [
    `${written.interrupted ? 'Interrupted after' : 'Published'} ${fmt(written.written)} of ${fmt(plan.events.length)} events in ${seconds.toFixed(2)} s (${fmt(rate)} events/s)`,
    `  creates ${fmt(c.creates)} · updates ${fmt(c.updates)} · deletes ${fmt(c.deletes)} · duplicates ${fmt(c.duplicates)} (same event id) · late ${fmt(c.late)} (≤ ${options.lateBy / 60_000} min) · reorder window ${options.reorderWindow}`,
    `  per partition: ${written.perPartition.map(fmt).join(' · ')}`,
    deletedStreams === undefined
      ? '  appended to the existing streams (no --reset): a rerun adds the same events again, which Thunder drops as duplicates'
      : `  --reset: deleted ${deletedStreams} stream(s) and started a new stream epoch first`,
  ].join('\n');
}

/** Generates, plans and publishes. Returns the exit code (0, or 130 when interrupted). */
export async function runPublishWorld(options: PublishWorldOptions, deps: PublishWorldDeps): Promise<number> {
  const { io } = deps;
  const env = readCliEnv();
  const redisUrl = options.redisUrl ?? env.redisUrl;
  const world = generateWorld({ seed: options.seed, scale: options.scale });
  const plan = planWorldEvents(world, options.seed, {
    duplicateRate: options.duplicateRate,
    reorderWindow: options.reorderWindow,
    lateRate: options.lateRate,
    maxLatenessMs: options.lateBy,
    updateRate: options.updateRate,
    deleteRate: options.deleteRate,
  });
  io.out(
    `Publishing ${world.version} (${fmt(plan.events.length)} events) to ${redisUrl}, prefix "${options.prefix}", ${options.partitions} partitions\n`,
  );
  const target = (deps.connect ?? connectRedis)(redisUrl);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  const progress = createPublishProgress(plan.events.length, env.interactive);
  try {
    // A new epoch first, then the deletion: a running Thunder that notices the streams vanish
    // always finds the new epoch and stops instead of resuming from stale offsets.
    const epoch = await target.setEpoch(options.prefix, options.reset);
    const deleted = options.reset ? await target.deleteStreams(options.prefix) : undefined;
    const started = performance.now();
    const result = await writeEvents(target, plan.events, {
      prefix: options.prefix,
      partitions: options.partitions,
      batchSize: options.batchSize,
      maxInFlight: MAX_IN_FLIGHT,
      nowMs: deps.nowMs ?? Date.now,
      onProgress: (n) => progress.update(n),
      signal: stop.signal,
    });
    progress.stop();
    io.out(`${formatSummary(plan, options, result, (performance.now() - started) / 1000, deleted)}\n`);
    io.out(`  stream epoch ${epoch}\n`);
    return result.interrupted ? 130 : 0;
  } catch (err) {
    throw new CliError(
      `publishing to ${redisUrl} failed: ${err instanceof Error ? err.message : String(err)} (is Redis up? redis-cli ping)`,
    );
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSignal);
    target.close();
  }
}
