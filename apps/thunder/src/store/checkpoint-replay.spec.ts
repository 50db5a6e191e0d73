import type { PostEvent } from '@foryou/contracts';
import fc from 'fast-check';
import { decodeSnapshot, encodeSnapshot } from '../snapshot/snapshot-codec';
import { PostStore } from './post-store';
import { storeDigest } from './store-digest';
import type { StreamPosition } from './stream-id';
import { buildEvents, createdAtArb, MODEL_OPTIONS, queryArb, stepsArb } from './testing/arbitraries';
import { query } from './testing/query';

interface Entry {
  readonly event: PostEvent;
  readonly at: StreamPosition;
}

/** The script as a log: entry i gets id `${i + 1}-0` on its author's partition. */
function asLog(created: number[], steps: Parameters<typeof buildEvents>[1]): Entry[] {
  const router = new PostStore(MODEL_OPTIONS);
  return buildEvents(created, steps)
    .filter((e): e is PostEvent => e !== 'trim')
    .map((event, i) => ({
      event,
      at: { partition: router.partitionOf(event.authorId), entryId: `${i + 1}-0` },
    }));
}

function run(entries: readonly Entry[], store = new PostStore(MODEL_OPTIONS)): PostStore {
  entries.forEach(({ event, at }) => store.apply(event, at));
  return store;
}

/** A snapshot round trip through bytes, as a restart does it. */
function restore(store: PostStore): PostStore {
  const decoded = decodeSnapshot(
    encodeSnapshot({
      meta: { epoch: 'e', streamPrefix: 'p:', writtenAtMs: 0, options: store.options },
      state: store.exportState(),
    }),
  );
  if (!decoded.ok) {
    throw new Error(decoded.detail);
  }
  return new PostStore(decoded.snapshot.meta.options, decoded.snapshot.state);
}

describe('checkpoint + replay', () => {
  it('should equal an uninterrupted run: state digest, queries and counters', () => {
    fc.assert(
      fc.property(createdAtArb, stepsArb, fc.nat(), queryArb, (created, steps, cutSeed, q) => {
        const log = asLog(created, steps);
        const cut = cutSeed % (log.length + 1);
        const uninterrupted = run(log);
        const before = run(log.slice(0, cut));
        const after = run(log.slice(cut), restore(before));

        expect(storeDigest(after)).toBe(storeDigest(uninterrupted));
        expect(query(after, q)).toEqual(query(uninterrupted, q));
        const sum = { ...before.counts() };
        for (const [k, v] of Object.entries(after.counts())) {
          sum[k] = (sum[k] ?? 0) + v;
        }
        expect(sum).toEqual(uninterrupted.counts());
      }),
      { numRuns: 300 },
    );
  });

  it('should skip what the snapshot already holds when replay starts from an older position', () => {
    fc.assert(
      fc.property(createdAtArb, stepsArb, fc.nat(), fc.nat(), (created, steps, a, b) => {
        const log = asLog(created, steps);
        const cut = a % (log.length + 1);
        const replayFrom = b % (cut + 1);
        const restored = restore(run(log.slice(0, cut)));
        const overlap = log.slice(replayFrom, cut).map(({ event, at }) => restored.apply(event, at).kind);

        expect(overlap.every((kind) => kind === 'duplicate')).toBe(true);
        expect(storeDigest(run(log.slice(cut), restored))).toBe(storeDigest(run(log)));
      }),
      { numRuns: 200 },
    );
  });

  it('should not depend on how partitions interleave (each partition keeps its order)', () => {
    fc.assert(
      fc.property(
        createdAtArb,
        stepsArb,
        fc.array(fc.nat(1), { maxLength: 200 }),
        (created, steps, picks) => {
          const log = asLog(created, steps);
          const queues = [0, 1].map((p) => log.filter((e) => e.at.partition === p));
          const interleaved: Entry[] = [];
          let k = 0;
          while (queues.some((queue) => queue.length > 0)) {
            const preferred = queues[picks[k++ % Math.max(1, picks.length)] ?? 0]!;
            interleaved.push(
              (preferred.length > 0 ? preferred : queues.find((queue) => queue.length > 0)!).shift()!,
            );
          }
          expect(storeDigest(run(interleaved))).toBe(storeDigest(run(log)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
