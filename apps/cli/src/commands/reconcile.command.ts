import { writeFile } from 'node:fs/promises';
import { reconcileServedHistory, type ReconcileReport } from '@foryou/feed-state';
import { Command, Option } from 'commander';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { argParser, parseOptions } from '../args';
import { readCliEnv } from '../config/cli-env';
import { CliError, type CliIo } from '../io';
import { PrefixArg, RedisUrlArg } from '../publish/publish-args';

const SecondsArg = z.coerce
  .number()
  .int()
  .min(0)
  .max(30 * 86_400);
const RateArg = z.coerce.number().int().min(1).max(100_000);

const ReconcileOptions = z.object({
  redisUrl: RedisUrlArg.optional(),
  prefix: PrefixArg,
  windowS: SecondsArg,
  graceS: SecondsArg,
  maxRepairsPerSecond: RateArg,
  dryRun: z.boolean().default(false),
  report: z.string().min(1).optional(),
});
export type ReconcileCommandOptions = z.infer<typeof ReconcileOptions>;

export interface ReconcileDeps {
  readonly io: CliIo;
  readonly env?: NodeJS.ProcessEnv;
}

/** `foryou reconcile`: served-candidates log vs served history, with repairs (or only a report). */
export function reconcileCommand(deps: ReconcileDeps): Command {
  return new Command('reconcile')
    .description(
      'Compare what responses served (the served-candidates log) with served history and re-apply missing ' +
        'entries, idempotently and rate-limited. --dry-run only reports. Prints a summary; --report writes JSON.',
    )
    .addOption(
      new Option('--redis-url <url>', 'Redis (default: $REDIS_URL)').argParser(argParser(RedisUrlArg)),
    )
    .addOption(
      new Option('--prefix <prefix>', 'key prefix (REDIS_KEY_PREFIX)')
        .argParser(argParser(PrefixArg))
        .default('foryou:'),
    )
    .addOption(
      new Option('--window-s <s>', 'check records logged in the last s seconds')
        .argParser(argParser(SecondsArg))
        .default(3600),
    )
    .addOption(
      new Option('--grace-s <s>', 'skip records newer than this (their effects may be in flight)')
        .argParser(argParser(SecondsArg))
        .default(60),
    )
    .addOption(
      new Option('--max-repairs-per-second <n>', 'repair rate limit')
        .argParser(argParser(RateArg))
        .default(50),
    )
    .addOption(new Option('--dry-run', 'report mismatches, change nothing'))
    .addOption(new Option('--report <file>', 'also write the full report as JSON'))
    .action(async (_o: unknown, self: Command) => {
      const options = parseOptions(ReconcileOptions, self.opts());
      process.exitCode = await runReconcile(options, deps);
    });
}

export async function runReconcile(options: ReconcileCommandOptions, deps: ReconcileDeps): Promise<number> {
  const url = options.redisUrl ?? readCliEnv(deps.env ?? process.env).redisUrl;
  const redis = new Redis(url, { keyPrefix: options.prefix, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new CliError(`cannot reach Redis at ${url}: ${(err as Error).message}`);
  }
  try {
    let lastProgress = 0;
    const report = await reconcileServedHistory(redis, {
      windowMs: options.windowS * 1000,
      graceMs: options.graceS * 1000,
      maxRepairsPerSecond: options.maxRepairsPerSecond,
      dryRun: options.dryRun,
      onProgress: (scanned) => {
        if (scanned - lastProgress >= 5000) {
          lastProgress = scanned;
          deps.io.err(`  scanned ${scanned.toLocaleString('en-US')} served items…\n`);
        }
      },
    });
    deps.io.out(summary(report));
    if (options.report) {
      await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
      deps.io.out(`report written to ${options.report}\n`);
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}

function summary(r: ReconcileReport): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const lines = [
    `Served-history reconciliation${r.dryRun ? ' (dry run: nothing changed)' : ''}`,
    `  window      ${new Date(r.fromMs).toISOString()} … ${new Date(r.toMs).toISOString()}`,
    `  scanned     ${n(r.scannedItems)} served items in ${n(r.scannedRequests)} responses`,
    `  missing     ${n(r.missingItems)} items${r.dryRun ? '' : `, repaired in ${n(r.repairedRequests)} responses`}`,
    `  trimmed     ${n(r.trimmedItems)} items (older than the viewer's bounded history keeps: not a loss)`,
    `  took        ${n(r.durationMs)} ms`,
  ];
  for (const s of r.samples.slice(0, 5)) {
    lines.push(
      `  e.g. ${s.viewerId} / ${s.requestId}: ${s.postIds.join(', ')}${s.repaired ? ' (repaired)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
