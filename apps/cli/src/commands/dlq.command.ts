import { Quarantine, SIDE_EFFECT_QUEUE, type QuarantinedJob } from '@foryou/async-work';
import { Queue } from 'bullmq';
import { Command, Option } from 'commander';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { argParser, parseOptions } from '../args';
import { readCliEnv } from '../config/cli-env';
import { CliError, type CliIo } from '../io';
import { PrefixArg, RedisUrlArg } from '../publish/publish-args';

const LimitArg = z.coerce.number().int().min(1).max(10_000);
const JobIdArg = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'not a job id');

const Connection = z.object({
  redisUrl: RedisUrlArg.optional(),
  prefix: PrefixArg,
  queuePrefix: PrefixArg,
});
type Connection = z.infer<typeof Connection>;

export interface DlqDeps {
  readonly io: CliIo;
  readonly env?: NodeJS.ProcessEnv;
}

/** Opens the side-effect queue's quarantine; `close` releases both connections. */
async function openQuarantine(
  c: Connection,
  env: NodeJS.ProcessEnv,
): Promise<{ quarantine: Quarantine; close: () => Promise<void> }> {
  const url = c.redisUrl ?? readCliEnv(env).redisUrl;
  const redis = new Redis(url, { keyPrefix: c.prefix, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new CliError(`cannot reach Redis at ${url}: ${(err as Error).message}`);
  }
  const queue = new Queue(SIDE_EFFECT_QUEUE, { connection: { url }, prefix: c.queuePrefix });
  return {
    quarantine: new Quarantine(queue, redis),
    close: async () => {
      await queue.close();
      redis.disconnect();
    },
  };
}

function connectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--redis-url <url>', 'Redis (default: $REDIS_URL)').argParser(argParser(RedisUrlArg)),
    )
    .addOption(
      new Option('--prefix <prefix>', 'key prefix (REDIS_KEY_PREFIX of the workers)')
        .argParser(argParser(PrefixArg))
        .default('foryou:'),
    )
    .addOption(
      new Option('--queue-prefix <prefix>', 'BullMQ prefix (QUEUE_PREFIX of the workers)')
        .argParser(argParser(PrefixArg))
        .default('foryou-bull'),
    );
}

const iso = (ms: number) => new Date(ms).toISOString();

function row(q: QuarantinedJob): string {
  return [
    q.jobId.padEnd(48),
    q.type.padEnd(24),
    q.classification.padEnd(9),
    String(q.attempts).padStart(3),
    iso(q.firstFailedAtMs),
    String(q.replays).padStart(3),
    q.reason.slice(0, 80),
  ].join('  ');
}

/** `foryou dlq list|inspect|replay`: look at and replay quarantined side-effect jobs. */
export function dlqCommand(deps: DlqDeps): Command {
  const env = deps.env ?? process.env;
  const dlq = new Command('dlq').description(
    'Quarantined side-effect jobs (the DLQ): list them with their reason and first failure, inspect one, ' +
      'or replay jobs once the cause is fixed (replays are audited; effects stay idempotent).',
  );

  dlq.addCommand(
    connectionOptions(new Command('list'))
      .description('List quarantined jobs, newest first.')
      .addOption(new Option('--limit <n>', 'at most this many').argParser(argParser(LimitArg)).default(50))
      .addOption(new Option('--json', 'print JSON instead of a table'))
      .action(async (_o: unknown, self: Command) => {
        const o = parseOptions(
          Connection.extend({ limit: LimitArg, json: z.boolean().default(false) }),
          self.opts(),
        );
        const { quarantine, close } = await openQuarantine(o, env);
        try {
          const [jobs, total] = await Promise.all([quarantine.list(0, o.limit), quarantine.count()]);
          if (o.json) {
            deps.io.out(`${JSON.stringify({ total, jobs }, null, 2)}\n`);
            return;
          }
          deps.io.out(
            `${total} quarantined job(s)${total > jobs.length ? `, showing ${jobs.length}` : ''}\n`,
          );
          if (jobs.length > 0) {
            deps.io.out(
              `${['job id'.padEnd(48), 'type'.padEnd(24), 'class'.padEnd(9), 'att', 'first failed'.padEnd(24), 'rpl', 'reason'].join('  ')}\n`,
            );
            for (const q of jobs) {
              deps.io.out(`${row(q)}\n`);
            }
          }
        } finally {
          await close();
        }
      }),
  );

  dlq.addCommand(
    connectionOptions(new Command('inspect'))
      .description('Print one quarantined job in full (envelope, payload, reason, attempts).')
      .argument('<job-id>')
      .action(async (jobId: string, _o: unknown, self: Command) => {
        const o = parseOptions(Connection, self.opts());
        const id = parseOptions(JobIdArg, jobId);
        const { quarantine, close } = await openQuarantine(o, env);
        try {
          const job = await quarantine.get(id);
          if (!job) {
            throw new CliError(`no quarantined job "${id}"`);
          }
          deps.io.out(`${JSON.stringify(job, null, 2)}\n`);
        } finally {
          await close();
        }
      }),
  );

  dlq.addCommand(
    connectionOptions(new Command('replay'))
      .description('Put quarantined jobs back on the queue (same job id, attempts reset), audited with --by.')
      .argument('<job-id...>')
      .requiredOption('--by <name>', 'who is replaying (recorded in the audit trail)')
      .action(async (jobIds: string[], _o: unknown, self: Command) => {
        const o = parseOptions(Connection.extend({ by: z.string().min(1).max(100) }), self.opts());
        const ids = jobIds.map((j) => parseOptions(JobIdArg, j));
        const { quarantine, close } = await openQuarantine(o, env);
        try {
          let missing = 0;
          for (const id of ids) {
            if (await quarantine.replay(id, o.by)) {
              deps.io.out(`replayed ${id}\n`);
            } else {
              missing += 1;
              deps.io.err(`not quarantined: ${id}\n`);
            }
          }
          process.exitCode = missing > 0 ? 1 : 0;
        } finally {
          await close();
        }
      }),
  );
  return dlq;
}
