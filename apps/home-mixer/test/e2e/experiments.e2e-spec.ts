import { once } from 'node:events';
import {
  assign,
  loadExperiments,
  SHIPPED_EXPERIMENTS_DIR,
  type ExperimentDefinition,
} from '@foryou/experiments';
import { createScratchDatabase, type ScratchDatabase } from '@foryou/experiments-store';
import { generateWorld } from '@foryou/world';
import { eventually } from '../../../workers/test/support/workers-process';
import { freePort, REDIS_URL, startProc, startStack, waitReady, type Proc, type Stack } from './stack';

jest.setTimeout(300_000);

const KEY = 'recent-engaged-authors-source';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const POLL_MS = 500;

interface FeedBody {
  readonly request_id: string;
  readonly items: readonly unknown[];
  readonly version_vector: { readonly params: string; readonly experiments?: string };
}

async function feed(base: string, viewerId: string): Promise<FeedBody> {
  const response = await fetch(`${base}/v1/feed/for-you?viewer_id=${viewerId}&limit=20`);
  expect(response.status).toBe(200);
  return (await response.json()) as FeedBody;
}

/**
 * The experiments module against real processes: home-mixer assigns, serves the variant's params and
 * commits exposures with its outbox; the workers write assignments and exposures into a fresh Postgres
 * database. Then a kill through the admin API reaches a SECOND home-mixer process over Redis, and its
 * audit row lands in Postgres. Assignment is checked against an independent call of `assign()`.
 */
describe('experiments: assignment → exposure → Postgres, and kill switches across processes', () => {
  let db: ScratchDatabase;
  let stack: Stack;
  let second: Proc | undefined;
  let secondBase: string;
  let definitions: ExperimentDefinition[];
  const world = generateWorld({ seed: 42, scale: 'small' });

  /** The served variant of `viewerId` in KEY per the definitions (no kills), or null when not in it. */
  const expectedVariant = (viewerId: string): string | null => {
    const result = assign(viewerId, definitions, {
      nowMs: world.nowMs,
      viewerKnown: world.users.has(viewerId),
      accountCreatedAtMs: world.users.get(viewerId)?.createdAtMs ?? null,
      surface: 'for_you',
    });
    const a = result.assignments.find((x) => x.experimentKey === KEY)!;
    return a.inAnalysis ? a.variant : null;
  };

  beforeAll(async () => {
    definitions = await loadExperiments(SHIPPED_EXPERIMENTS_DIR);
    db = await createScratchDatabase({ prefix: 'mixer_experiments_e2e' });
    stack = await startStack({
      workersEnv: { DATABASE_URL: db.url },
      mixerEnv: { ADMIN_TOKEN, KILL_SWITCH_POLL_MS: String(POLL_MS) },
    });
    const port = await freePort();
    secondBase = `http://127.0.0.1:${port}`;
    second = startProc('home-mixer-2', 'apps/home-mixer/dist/main.js', {
      REDIS_URL,
      REDIS_KEY_PREFIX: stack.prefix,
      WORLD_SCALE: 'small',
      WORLD_SEED: '42',
      PORT: String(port),
      HOST: '127.0.0.1',
      THUNDER_ADDRESS: `127.0.0.1:${stack.ports.thunderGrpc}`,
      PHOENIX_ADDRESS: `127.0.0.1:${stack.ports.phoenixGrpc}`,
      ADMIN_TOKEN,
      KILL_SWITCH_POLL_MS: String(POLL_MS),
    });
    await waitReady(second, `${secondBase}/readyz`);
  });

  afterAll(async () => {
    if (second && second.child.exitCode === null && second.child.signalCode === null) {
      second.child.kill('SIGKILL');
      await once(second.child, 'exit');
    }
    await stack?.stop();
    await db?.drop();
  });

  it('records one assignment per (experiment, viewer) and one exposure per request, as assigned', async () => {
    const viewers = [...world.users.keys()].slice(0, 40);
    const served = new Map<string, FeedBody>();
    for (const viewerId of viewers) {
      served.set(viewerId, await feed(stack.homeMixer, viewerId));
    }
    // the same viewer again: a second exposure, no second assignment
    const again = await feed(secondBase, viewers[0]!);
    const inExperiment = viewers.filter((v) => expectedVariant(v) !== null);
    expect(inExperiment.length).toBeGreaterThan(5);
    expect(new Set(inExperiment.map(expectedVariant))).toEqual(new Set(['control', 'treatment']));

    const exposures = async () =>
      (
        await db.pool
          .query<{
            unit_id: string;
            variant: string;
            request_id: string;
            version_vector: Record<string, string>;
            latency_ms: number | null;
            items_returned: number | null;
            requested_items: number | null;
          }>(
            `SELECT unit_id, variant, request_id, version_vector, latency_ms, items_returned, requested_items
           FROM experiments.exposures WHERE experiment_key = $1`,
            [KEY],
          )
          .catch(() => ({ rows: [] }))
      ).rows;
    const expectedRows = inExperiment.length + (expectedVariant(viewers[0]!) === null ? 0 : 1);
    await eventually(async () => (await exposures()).length === expectedRows, 'exposures in Postgres');

    for (const row of await exposures()) {
      expect(row.variant).toBe(expectedVariant(row.unit_id));
      const body = row.request_id === again.request_id ? again : served.get(row.unit_id)!;
      expect(row.request_id).toBe(body.request_id);
      expect(row.version_vector.params).toBe(body.version_vector.params);
      expect(body.version_vector.experiments).toContain(`${KEY}=${row.variant}`);
      expect(row.items_returned).toBe(body.items.length);
      expect(row.requested_items).toBe(20);
      expect(row.latency_ms).toBeGreaterThan(0);
    }
    // viewers outside the experiment carry no arm of it
    for (const v of viewers.filter((x) => expectedVariant(x) === null)) {
      expect(served.get(v)!.version_vector.experiments ?? '').not.toContain(`${KEY}=`);
    }
    const { rows: assignments } = await db.pool.query<{
      unit_id: string;
      variant: string;
      hash_version: number;
    }>('SELECT unit_id, variant, hash_version FROM experiments.assignments WHERE experiment_key = $1', [KEY]);
    expect(assignments.map((a) => a.unit_id).sort()).toEqual([...inExperiment].sort());
    for (const a of assignments) {
      expect(a.variant).toBe(expectedVariant(a.unit_id));
      expect(a.hash_version).toBe(2);
    }
  });

  it('makes a kill effective on both processes and audits it in Postgres', async () => {
    const viewer = [...world.users.keys()].find((v) => expectedVariant(v) === 'treatment')!;
    for (const base of [stack.homeMixer, secondBase]) {
      expect((await feed(base, viewer)).version_vector.experiments).toContain(`${KEY}=treatment`);
    }
    const kill = (token: string | undefined) =>
      fetch(`${stack.homeMixer}/v1/admin/experiments/${KEY}/kill`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ variant: 'treatment', reason: 'e2e guardrail drill', actor: 'e2e' }),
      });
    expect((await kill(undefined)).status).toBe(401);
    expect((await kill('wrong-token-wrong-token')).status).toBe(403);
    const killedAt = performance.now();
    expect((await kill(ADMIN_TOKEN)).status).toBe(201);

    const effectiveAfterMs: Record<string, number> = {};
    await Promise.all(
      [stack.homeMixer, secondBase].map(async (base) => {
        await eventually(async () => {
          const body = await feed(base, viewer);
          return !(body.version_vector.experiments ?? '').includes(`${KEY}=`);
        }, `kill effective on ${base}`);
        effectiveAfterMs[base] = Math.round(performance.now() - killedAt);
      }),
    );
    // Reported, not asserted (shared machine): the bound is the publish latency, or POLL_MS if lost.
    process.stdout.write(
      `kill effective after (ms, incl. one feed request): ${JSON.stringify(effectiveAfterMs)}\n`,
    );

    await eventually(async () => {
      const { rows } = await db.pool
        .query<{ variant: string; actor: string; automatic: boolean }>(
          'SELECT variant, actor, automatic FROM experiments.kills WHERE experiment_key = $1',
          [KEY],
        )
        .catch(() => ({ rows: [] as { variant: string; actor: string; automatic: boolean }[] }));
      return (
        rows.length === 1 &&
        rows[0]!.variant === 'treatment' &&
        rows[0]!.actor === 'e2e' &&
        !rows[0]!.automatic
      );
    }, 'kill audited in Postgres');
  });
});
