/**
 * Named points of the side-effect path where a crash-window test kills the process. Each marks the
 * moment *after* the step in its name has completed.
 */
export const CRASH_POINTS = [
  /** Producer: outbox + state committed, response not yet sent. */
  'producer:outbox-committed',
  /** Relay: outbox entries read, not yet enqueued into BullMQ. */
  'relay:before-enqueue',
  /** Relay: enqueued into BullMQ, outbox entries not yet acknowledged/removed. */
  'relay:enqueued',
  /** Worker: job picked up (locked, active), effect not yet applied. */
  'worker:picked-up',
  /** Worker: effect and inbox record committed (one atomic script), job not yet acknowledged. */
  'worker:effect-committed',
  /** Worker: job acknowledged (moved to completed). */
  'worker:acked',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Called at each crash point; resolves to continue. */
export type CrashBarrier = (point: CrashPoint) => Promise<void>;

export const noBarrier: CrashBarrier = () => Promise.resolve();

/**
 * Test builds only: when `FORYOU_CRASH_AT=<point>` is set, the first time the process reaches that point
 * it prints `CRASH-BARRIER <point>` on stderr and stops there forever, so the test can SIGKILL it at
 * exactly that boundary (no timing involved). Without the variable this is a no-op.
 */
export function crashBarrierFromEnv(env: NodeJS.ProcessEnv = process.env): CrashBarrier {
  const target = env['FORYOU_CRASH_AT'];
  if (!target) {
    return noBarrier;
  }
  if (!(CRASH_POINTS as readonly string[]).includes(target)) {
    throw new Error(`FORYOU_CRASH_AT=${target} is not one of ${CRASH_POINTS.join(', ')}`);
  }
  let hit = false;
  return (point) => {
    if (point !== target || hit) {
      return Promise.resolve();
    }
    hit = true;
    process.stderr.write(`CRASH-BARRIER ${point}\n`);
    return new Promise<void>(() => undefined);
  };
}
