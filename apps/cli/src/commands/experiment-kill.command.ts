import { Command, Option } from 'commander';
import { z } from 'zod';
import { argParser, parseOptions, TargetUrlArg, TimeoutMsArg } from '../args';
import { CliError, type CliIo } from '../io';

/**
 * `foryou experiment kill` and `foryou experiment list`: the kill switches, through home-mixer's admin
 * API (`POST /v1/admin/experiments/:key/kill`, `GET /v1/admin/experiments`). The admin token comes from
 * `FORYOU_ADMIN_TOKEN` (never from the command line, so it stays out of shell history and `ps`).
 */

export const DEFAULT_ADMIN_TARGET = 'http://127.0.0.1:8080';

const KeyArg = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be an experiment key' });
const VariantArg = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be a variant key' });
const TextArg = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `must not be empty (${what})` })
    .max(max, { error: `must be at most ${max} characters (${what})` });

const Connection = z.object({ target: TargetUrlArg, timeoutMs: TimeoutMsArg });
const KillOptions = Connection.extend({
  variant: VariantArg.optional(),
  reason: TextArg('why, for the audit record', 2000),
  actor: TextArg('who, for the audit record', 200),
  json: z.boolean().default(false),
});
const ListOptions = Connection.extend({ json: z.boolean().default(false) });

/** The parts of a kill record the CLI prints (the server's `KillRecord`). */
const KillRecordShape = z.object({
  kill_id: z.string(),
  experiment_key: z.string(),
  variant: z.string().nullable(),
  reason: z.string(),
  actor: z.string(),
  automatic: z.boolean(),
  created_at_ms: z.number(),
});
type KillRecordShape = z.infer<typeof KillRecordShape>;

const ErrorShape = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), reason: z.string() })).default([]),
  }),
});

const ListShape = z.object({
  experiments: z.array(
    z.object({
      key: z.string(),
      status: z.string(),
      ramp_percent: z.number(),
      killed: KillRecordShape.nullable(),
      variants: z.array(
        z.object({ key: z.string(), weight: z.number(), killed: KillRecordShape.nullable() }),
      ),
    }),
  ),
  kills: z.array(KillRecordShape),
  unmatched_kills: z.array(KillRecordShape),
  watcher: z.object({ last_refreshed_at_ms: z.number().nullable(), in_sync: z.boolean() }).nullable(),
});

export interface ExperimentAdminDeps {
  readonly env?: NodeJS.ProcessEnv;
  /** Default: the global fetch. */
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

const TokenEnv = z.object({
  FORYOU_ADMIN_TOKEN: z
    .string()
    .min(1, { error: 'FORYOU_ADMIN_TOKEN is not set: export it (the ADMIN_TOKEN of home-mixer)' }),
});

function adminToken(env: NodeJS.ProcessEnv): string {
  const parsed = TokenEnv.safeParse({ FORYOU_ADMIN_TOKEN: env['FORYOU_ADMIN_TOKEN'] ?? '' });
  if (!parsed.success) {
    throw new CliError(parsed.error.issues[0]?.message ?? 'FORYOU_ADMIN_TOKEN is not set');
  }
  return parsed.data.FORYOU_ADMIN_TOKEN;
}

function connectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--target <url>', 'home-mixer base URL')
        .argParser(argParser(TargetUrlArg))
        .default(DEFAULT_ADMIN_TARGET),
    )
    .addOption(
      new Option('--timeout-ms <ms>', 'give up on the request after this long')
        .argParser(argParser(TimeoutMsArg))
        .default(10_000),
    );
}

/** One request to the admin API; every failure becomes a one-line CliError. */
async function call(
  deps: ExperimentAdminDeps,
  o: z.infer<typeof Connection>,
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown },
): Promise<{ status: number; body: unknown }> {
  const token = adminToken(deps.env ?? process.env);
  const url = new URL(path, o.target).href;
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(url, {
      method: init.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (err) {
    // undici's "fetch failed" says nothing: the reason is its cause (ECONNREFUSED, ENOTFOUND, bad port…).
    const cause = (err as { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code;
    const why =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${o.timeoutMs} ms`
        : typeof code === 'string'
          ? code
          : cause instanceof Error
            ? cause.message
            : err instanceof Error
              ? err.message
              : String(err);
    throw new CliError(`cannot reach home-mixer at ${o.target}: ${why}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  if (res.ok) {
    return { status: res.status, body };
  }
  const error = ErrorShape.safeParse(body);
  const message = error.success ? error.data.error.message : text.slice(0, 200) || res.statusText;
  const details = error.success
    ? error.data.error.details.map((d) => `${d.field}: ${d.reason}`).join('; ')
    : '';
  switch (res.status) {
    case 401:
      throw new CliError(`401 unauthenticated by ${o.target}: ${message}`);
    case 403:
      throw new CliError(`403 forbidden: FORYOU_ADMIN_TOKEN is not the admin token of ${o.target}`);
    case 404:
      throw new CliError(`404 ${message}${details ? ` (${details})` : ''}`);
    case 400:
      throw new CliError(`400 invalid request: ${details || message}`);
    default:
      throw new CliError(`${res.status} ${message}`);
  }
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new CliError(`unexpected ${what} from home-mixer: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function describeKill(k: KillRecordShape): string {
  const target = k.variant === null ? 'the whole experiment' : `variant ${k.variant}`;
  return `${k.experiment_key}: ${target} killed at ${iso(k.created_at_ms)} by ${k.actor}${k.automatic ? ' (automatic)' : ''} — ${k.reason} [${k.kill_id}]`;
}

/** `foryou experiment kill <key> [--variant v] --reason r --actor a [--target url]`. */
export function experimentKillCommand(io: CliIo, deps: ExperimentAdminDeps = {}): Command {
  return connectionOptions(new Command('kill'))
    .description(
      'Kill an experiment (every unit is served control) or one variant (its units are served control), ' +
        'effective on every home-mixer within KILL_SWITCH_POLL_MS at worst. Permanent: a restart is a new ' +
        'experiment. Needs FORYOU_ADMIN_TOKEN. Prints the kill record.',
    )
    .argument('<key>', 'experiment key')
    .addOption(
      new Option('--variant <key>', 'kill only this variant (control kills the experiment)').argParser(
        argParser(VariantArg),
      ),
    )
    .requiredOption('--reason <text>', 'why (recorded in the audit record)')
    .requiredOption('--actor <name>', 'who is killing (recorded in the audit record)')
    .addOption(new Option('--json', 'print the record as JSON'))
    .action(async (key: string, _o: unknown, self: Command) => {
      const experiment = parseOptions(KeyArg, key);
      const o = parseOptions(KillOptions, self.opts());
      const { status, body } = await call(
        deps,
        o,
        `v1/admin/experiments/${encodeURIComponent(experiment)}/kill`,
        {
          method: 'POST',
          body: { variant: o.variant ?? null, reason: o.reason, actor: o.actor },
        },
      );
      const record = parseBody(KillRecordShape, body, 'kill record');
      if (o.json) {
        io.out(`${JSON.stringify(body, null, 2)}\n`);
      } else {
        io.out(`${describeKill(record)}\n`);
      }
      io.err(
        status === 201
          ? 'killed: the record above is new\n'
          : 'already killed: the record above was in effect\n',
      );
    });
}

/** `foryou experiment list [--target url] [--json]`. */
export function experimentListCommand(io: CliIo, deps: ExperimentAdminDeps = {}): Command {
  return connectionOptions(new Command('list'))
    .description(
      'List the experiments home-mixer has loaded, with their kill state. Needs FORYOU_ADMIN_TOKEN.',
    )
    .addOption(new Option('--json', 'print the admin API response as JSON'))
    .action(async (_o: unknown, self: Command) => {
      const o = parseOptions(ListOptions, self.opts());
      const { body } = await call(deps, o, 'v1/admin/experiments', { method: 'GET' });
      const view = parseBody(ListShape, body, 'experiment list');
      if (o.json) {
        io.out(`${JSON.stringify(body, null, 2)}\n`);
        return;
      }
      io.out(`${['experiment'.padEnd(40), 'status'.padEnd(8), 'ramp'.padStart(5), 'state'].join('  ')}\n`);
      for (const e of view.experiments) {
        const killedVariants = e.variants.filter((v) => v.killed !== null).map((v) => v.key);
        const state = e.killed
          ? `KILLED (${e.killed.kill_id})`
          : killedVariants.length > 0
            ? `variant(s) killed: ${killedVariants.join(', ')}`
            : 'live';
        io.out(
          `${[e.key.padEnd(40), e.status.padEnd(8), `${e.ramp_percent}%`.padStart(5), state].join('  ')}\n`,
        );
      }
      for (const k of view.kills) {
        io.out(`  ${describeKill(k)}\n`);
      }
      if (view.unmatched_kills.length > 0) {
        io.err(`warning: ${view.unmatched_kills.length} kill(s) name unknown experiments or variants\n`);
      }
      if (view.watcher) {
        const at = view.watcher.last_refreshed_at_ms;
        io.out(
          `this replica: kill state ${view.watcher.in_sync ? 'in sync' : 'NOT YET in sync'}, refreshed ${at === null ? 'never' : iso(at)}\n`,
        );
      }
    });
}
