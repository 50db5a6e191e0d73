import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CommanderError, type Command } from 'commander';
import { CliError } from '../io';
import { experimentKillCommand, experimentListCommand } from './experiment-kill.command';

const TOKEN = 'cli-test-admin-token-0123';

const record = {
  schema_version: 'experiment-kill-v1',
  kill_id: 'exp-a.treatment',
  experiment_key: 'exp-a',
  variant: 'treatment',
  reason: 'hide rate +40%',
  actor: 'alice',
  automatic: false,
  created_at_ms: 1_750_000_000_000,
};

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** A stub home-mixer answering every request with the next canned reply. */
async function stub(reply: (seen: Seen) => { status: number; body: unknown }) {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      seen.push(s);
      const r = reply(s);
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    target: `http://127.0.0.1:${port}`,
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}

function run(make: (io: { out: (t: string) => void; err: (t: string) => void }) => Command, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const command = make({ out: (t) => out.push(t), err: (t) => err.push(t) });
  command.exitOverride().configureOutput({ writeOut: (t) => out.push(t), writeErr: (t) => err.push(t) });
  const done = command.parseAsync(args, { from: 'user' });
  return { done, out, err };
}

const env = { FORYOU_ADMIN_TOKEN: TOKEN };
const kill = (args: string[], e: NodeJS.ProcessEnv = env) =>
  run((io) => experimentKillCommand(io, { env: e }), args);
const list = (args: string[], e: NodeJS.ProcessEnv = env) =>
  run((io) => experimentListCommand(io, { env: e }), args);
const errorBody = (code: string, message: string, details: { field: string; reason: string }[] = []) => ({
  error: { code, message, details },
  request_id: null,
});

describe('foryou experiment kill', () => {
  it('posts the kill with the bearer token and prints the new record', async () => {
    const s = await stub(() => ({ status: 201, body: record }));
    try {
      const r = kill([
        'exp-a',
        '--variant',
        'treatment',
        '--reason',
        ' hide rate +40% ',
        '--actor',
        'alice',
        '--target',
        s.target,
      ]);
      await r.done;
      expect(s.seen).toEqual([
        {
          method: 'POST',
          url: '/v1/admin/experiments/exp-a/kill',
          authorization: `Bearer ${TOKEN}`,
          body: { variant: 'treatment', reason: 'hide rate +40%', actor: 'alice' },
        },
      ]);
      expect(r.out.join('')).toBe(
        'exp-a: variant treatment killed at 2025-06-15T15:06:40.000Z by alice — hide rate +40% [exp-a.treatment]\n',
      );
      expect(r.err.join('')).toContain('killed: the record above is new');
    } finally {
      await s.close();
    }
  });

  it('kills the whole experiment without --variant and says when the kill was already in effect', async () => {
    const whole = { ...record, kill_id: 'exp-a._experiment', variant: null };
    const s = await stub(() => ({ status: 200, body: whole }));
    try {
      const r = kill(['exp-a', '--reason', 'srm', '--actor', 'bob', '--target', `${s.target}/`, '--json']);
      await r.done;
      expect(s.seen[0]?.body).toEqual({ variant: null, reason: 'srm', actor: 'bob' });
      expect(JSON.parse(r.out.join(''))).toEqual(whole);
      expect(r.err.join('')).toContain('already killed');
    } finally {
      await s.close();
    }
  });

  it.each([
    [
      401,
      errorBody('unauthenticated', 'missing credentials'),
      /^401 unauthenticated by http:\/\/127\.0\.0\.1:\d+\/: missing credentials$/,
    ],
    [
      403,
      errorBody('permission_denied', 'the admin token is not valid'),
      /^403 forbidden: FORYOU_ADMIN_TOKEN is not the admin token of /,
    ],
    [
      404,
      errorBody('not_found', "unknown experiment 'exp-z'", [{ field: 'key', reason: 'one of exp-a' }]),
      /^404 unknown experiment 'exp-z' \(key: one of exp-a\)$/,
    ],
    [
      400,
      errorBody('invalid_argument', 'invalid kill request', [{ field: 'reason', reason: 'say why' }]),
      /^400 invalid request: reason: say why$/,
    ],
    [
      503,
      errorBody('unavailable', 'the admin API is not configured'),
      /^503 the admin API is not configured$/,
    ],
  ])('turns %i into a one-line error', async (status, body, message) => {
    const s = await stub(() => ({ status, body }));
    try {
      const err = await kill(['exp-a', '--reason', 'r', '--actor', 'a', '--target', s.target]).done.catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).message).toMatch(message);
      expect((err as CliError).message).not.toContain('\n');
    } finally {
      await s.close();
    }
  });

  it('says when home-mixer cannot be reached', async () => {
    const s = await stub(() => ({ status: 201, body: record }));
    await s.close(); // nothing listens on the port any more
    const err = await kill(['exp-a', '--reason', 'r', '--actor', 'a', '--target', s.target]).done.catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(
      /^cannot reach home-mixer at http:\/\/127\.0\.0\.1:\d+\/: ECONNREFUSED$/,
    );
  });

  it('refuses to run without FORYOU_ADMIN_TOKEN, before sending anything', async () => {
    const s = await stub(() => ({ status: 201, body: record }));
    try {
      const err = await kill(['exp-a', '--reason', 'r', '--actor', 'a', '--target', s.target], {}).done.catch(
        (e: unknown) => e,
      );
      expect((err as CliError).message).toContain('FORYOU_ADMIN_TOKEN is not set');
      expect(s.seen).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it.each([
    [['exp-a', '--actor', 'a'], "required option '--reason <text>' not specified"],
    [['exp-a', '--reason', 'r', '--actor', 'a', '--variant', 'Bad Variant'], 'must be a variant key'],
    [['exp-a', '--reason', 'r', '--actor', 'a', '--target', 'ftp://x'], 'must use http or https'],
  ])('rejects %j: %s', async (args, message) => {
    const r = kill(args);
    const err = await r.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommanderError);
    expect((err as CommanderError).exitCode).toBe(1);
    expect(r.err.join('')).toContain(message);
  });

  it('rejects a bad key and an empty reason as CLI errors', async () => {
    await expect(kill(['Exp A', '--reason', 'r', '--actor', 'a']).done).rejects.toThrow(
      'must be an experiment key',
    );
    await expect(kill(['exp-a', '--reason', '  ', '--actor', 'a']).done).rejects.toThrow(
      '--reason: must not be empty',
    );
  });
});

describe('foryou experiment list', () => {
  it('prints each experiment with its kill state and this replica’s sync', async () => {
    const whole = { ...record, kill_id: 'exp-b._experiment', experiment_key: 'exp-b', variant: null };
    const s = await stub(() => ({
      status: 200,
      body: {
        experiments: [
          {
            key: 'exp-a',
            status: 'running',
            ramp_percent: 10,
            killed: null,
            variants: [
              { key: 'control', weight: 0.5, killed: null },
              { key: 'treatment', weight: 0.5, killed: record },
            ],
          },
          { key: 'exp-b', status: 'running', ramp_percent: 100, killed: whole, variants: [] },
          { key: 'exp-c', status: 'draft', ramp_percent: 1, killed: null, variants: [] },
        ],
        kills: [record, whole],
        unmatched_kills: [],
        watcher: { last_refreshed_at_ms: 1_750_000_000_000, kill_ids: [], in_sync: true },
      },
    }));
    try {
      const r = list(['--target', s.target]);
      await r.done;
      expect(s.seen.map((x) => [x.method, x.url, x.authorization])).toEqual([
        ['GET', '/v1/admin/experiments', `Bearer ${TOKEN}`],
      ]);
      const text = r.out.join('');
      expect(text).toMatch(/^exp-a\s+running\s+10%\s+variant\(s\) killed: treatment$/m);
      expect(text).toMatch(/^exp-b\s+running\s+100%\s+KILLED \(exp-b\._experiment\)$/m);
      expect(text).toMatch(/^exp-c\s+draft\s+1%\s+live$/m);
      expect(text).toContain('this replica: kill state in sync');
    } finally {
      await s.close();
    }
  });
});
