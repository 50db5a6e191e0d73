import {
  ExperimentStore,
  type ExposureRow,
  type OutcomeRow,
  type ScratchDatabase,
} from '@foryou/experiments-store';
import { freshDatabase, HOUR, MIN } from './helpers';

// Real PostgreSQL on a shared, loaded machine: creating, loading and dropping a database takes seconds.
jest.setTimeout(60_000);

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const WINDOW = HOUR;

function exposure(
  exposureId: string,
  unitId: string,
  at: number,
  requestId: string | null,
  experimentKey = 'E',
): ExposureRow {
  return {
    exposureId,
    experimentKey,
    unitId,
    variant: 'treatment',
    requestId,
    triggered: true,
    exposedAt: new Date(at),
  };
}

function outcome(clientEventId: string, unitId: string, at: number, requestId: string | null): OutcomeRow {
  return {
    clientEventId,
    unitId,
    eventType: 'favorite',
    postId: `post-${clientEventId}`,
    requestId,
    occurredAt: new Date(at),
    receivedAt: new Date(at + 1000),
  };
}

describe('attributeOutcomes', () => {
  let db: ScratchDatabase;
  let store: ExperimentStore;

  beforeAll(async () => {
    db = await freshDatabase();
    store = new ExperimentStore(db.pool);
    await store.recordExposures([
      exposure('E:u1:1', 'u1', T0, 'r1'),
      exposure('E:u1:2', 'u1', T0 + 10 * MIN, 'r2'),
      exposure('E:u1:3', 'u1', T0 + 20 * MIN, 'r3'),
      // The same request of u2 logged twice (its post came from two candidate sources).
      exposure('E:u5:1', 'u5', T0, null),
      exposure('E:u2:a', 'u2', T0, 'rq'),
      exposure('E:u2:b', 'u2', T0, 'rq'),
      // u2 is also in experiment F; u3 only in F.
      exposure('F:u2:1', 'u2', T0 + 2 * MIN, 'rq2', 'F'),
      exposure('F:u3:1', 'u3', T0, 'rz', 'F'),
    ]);
    await store.recordOutcomes([
      outcome('o1', 'u1', T0 + 5 * MIN, 'r1'), // its own request → E:u1:1
      outcome('o2', 'u1', T0 + 25 * MIN, 'r1'), // older request preferred over the latest → E:u1:1
      outcome('o3', 'u1', T0 + 25 * MIN, null), // no request → latest, E:u1:3
      outcome('o4', 'u1', T0 + 25 * MIN, 'r-unknown'), // a request E did not expose → none (not the latest)
      outcome('o5', 'u1', T0 + 2 * HOUR, 'r3'), // every exposure is > 1 h earlier → none
      outcome('o6', 'u1', T0 - MIN, null), // before any exposure → none
      outcome('o7', 'u1', T0 + 10 * MIN, null), // at the exposure's instant (inclusive) → E:u1:2
      outcome('o9', 'u1', T0 + 15 * MIN, 'r3'), // its request's exposure is LATER → none (no other request's)
      outcome('q1', 'u2', T0 + MIN, 'rq'), // two exposures of one request → once, tie → larger id E:u2:b
      outcome('q2', 'u2', T0 + 3 * MIN, null), // E: E:u2:b; F: F:u2:1 — one per experiment
      outcome('z1', 'u3', T0 + MIN, 'rz'), // only in F
      outcome('n1', 'u4', T0 + MIN, null), // never exposed
      outcome('e1', 'u5', T0 + HOUR, null), // exactly at the window's edge (inclusive) → E:u5:1
      outcome('e2', 'u5', T0 + HOUR + 1, null), // 1 ms past the window → none
    ]);
  });

  afterAll(async () => {
    await db.drop();
  });

  async function attributions(experimentKey: string): Promise<[string, string, string, string][]> {
    const { rows } = await db.pool.query<{ a: [string, string, string, string] }>(
      `SELECT json_build_array(unit_id, client_event_id, exposure_id, matched_by) AS a
       FROM experiments.attributions WHERE experiment_key = $1
       ORDER BY unit_id COLLATE "C", client_event_id COLLATE "C"`,
      [experimentKey],
    );
    return rows.map((r) => r.a);
  }

  it('should attribute each outcome to the right exposure of the experiment, or to none', async () => {
    expect(await store.attributeOutcomes('E', WINDOW)).toEqual({ attributed: 7, byRequest: 3, byLatest: 4 });
    expect(await attributions('E')).toEqual([
      ['u1', 'o1', 'E:u1:1', 'request'],
      ['u1', 'o2', 'E:u1:1', 'request'],
      ['u1', 'o3', 'E:u1:3', 'latest'],
      ['u1', 'o7', 'E:u1:2', 'latest'],
      ['u2', 'q1', 'E:u2:b', 'request'],
      ['u2', 'q2', 'E:u2:b', 'latest'],
      ['u5', 'e1', 'E:u5:1', 'latest'],
    ]);
  });

  it('should attribute an outcome once per experiment, independently', async () => {
    // Same statement with the planner left alone: same answer.
    const free = new ExperimentStore(db.pool, { planGuard: false });
    expect(await free.attributeOutcomes('F', WINDOW)).toEqual({ attributed: 2, byRequest: 1, byLatest: 1 });
    expect(await attributions('F')).toEqual([
      ['u2', 'q2', 'F:u2:1', 'latest'],
      ['u3', 'z1', 'F:u3:1', 'request'],
    ]);
  });

  it('should copy the outcome and exposure fields the analysis needs', async () => {
    const { rows } = await db.pool.query(
      `SELECT variant, exposed_at, post_id, outcome_request_id, exposure_request_id, event_type, value,
              occurred_at, window_ms::int AS window_ms
       FROM experiments.attributions WHERE experiment_key = 'E' AND client_event_id = 'o2'`,
    );
    expect(rows).toEqual([
      {
        variant: 'treatment',
        exposed_at: new Date(T0),
        post_id: 'post-o2',
        outcome_request_id: 'r1',
        exposure_request_id: 'r1',
        event_type: 'favorite',
        value: 1,
        occurred_at: new Date(T0 + 25 * MIN),
        window_ms: WINDOW,
      },
    ]);
  });

  it('should be idempotent: a rerun attributes nothing and changes nothing', async () => {
    const before = await attributions('E');
    expect(await store.attributeOutcomes('E', WINDOW)).toEqual({ attributed: 0, byRequest: 0, byLatest: 0 });
    expect(await store.attributeOutcomes('F', WINDOW)).toEqual({ attributed: 0, byRequest: 0, byLatest: 0 });
    expect(await attributions('E')).toEqual(before);
  });

  it('should attribute only new outcomes later, and never move an existing attribution', async () => {
    const before = await attributions('E');
    // A late exposure that would have won for o3/o4 (24 min) and a new outcome after it.
    await store.recordExposures([exposure('E:u1:late', 'u1', T0 + 24 * MIN, 'r4')]);
    await store.recordOutcomes([outcome('o11', 'u1', T0 + 26 * MIN, null)]);
    expect(await store.attributeOutcomes('E', WINDOW)).toEqual({ attributed: 1, byRequest: 0, byLatest: 1 });
    const after = await attributions('E');
    expect(after.filter((a) => a[1] !== 'o11')).toEqual(before);
    expect(after.find((a) => a[1] === 'o11')).toEqual(['u1', 'o11', 'E:u1:late', 'latest']);
  });

  it('should respect the window it is given (a wider window reaches o5 and e2)', async () => {
    expect(await store.attributeOutcomes('E', 3 * HOUR)).toEqual({
      attributed: 2,
      byRequest: 1,
      byLatest: 1,
    });
    const rows = await attributions('E');
    expect(rows.find((a) => a[1] === 'o5')).toEqual(['u1', 'o5', 'E:u1:3', 'request']);
    expect(rows.find((a) => a[1] === 'e2')).toEqual(['u5', 'e2', 'E:u5:1', 'latest']);
  });

  it('should not double-attribute when two attributions run concurrently', async () => {
    const outcomes = Array.from({ length: 200 }, (_, i) => outcome(`c${i}`, 'u1', T0 + 30 * MIN + i, null));
    await store.recordOutcomes(outcomes);
    const results = await Promise.all([
      store.attributeOutcomes('E', WINDOW),
      store.attributeOutcomes('E', WINDOW),
      store.attributeOutcomes('E', WINDOW),
    ]);
    expect(results.reduce((s, r) => s + r.attributed, 0)).toBe(200);
    const { rows } = await db.pool.query<{ n: number; distinct_n: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT (unit_id, client_event_id))::int AS distinct_n
       FROM experiments.attributions WHERE experiment_key = 'E'`,
    );
    expect(rows[0]?.n).toBe(rows[0]?.distinct_n);
  });

  it('should attribute nothing for an experiment without exposures', async () => {
    expect(await store.attributeOutcomes('nobody', WINDOW)).toEqual({
      attributed: 0,
      byRequest: 0,
      byLatest: 0,
    });
  });
});
