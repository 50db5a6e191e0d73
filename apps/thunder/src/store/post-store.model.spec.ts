import fc from 'fast-check';
import { PostStore } from './post-store';
import {
  buildEvents,
  createdAtArb,
  MODEL_OPTIONS,
  MODEL_POST_IDS,
  queryArb,
  stepsArb,
  toRequest,
} from './testing/arbitraries';
import { query } from './testing/query';
import { ReferenceModel } from './testing/reference-model';
import type { ApplyResult } from './types';

/** Everything a result says except the fork's fingerprints (formatting, compared elsewhere). */
function summary(r: ApplyResult): string {
  switch (r.kind) {
    case 'applied':
      return `applied:${r.effect}`;
    case 'duplicate':
    case 'stale':
    case 'invalid':
      return `${r.kind}:${r.reason}`;
    case 'tombstoned':
      return `tombstoned:${r.deletedVersion}`;
    case 'fork':
      return `fork:${r.version}`;
  }
}

function liveAndDead(store: PostStore): { live: string[]; dead: string[] } {
  const state = store.exportState();
  return {
    live: state.posts
      .filter((p) => store.livePost(p.postId) !== undefined)
      .map((p) => `${p.postId}@${p.version}`)
      .sort(),
    dead: state.tombstones
      .filter((t) => store.isDeleted(t.postId))
      .map((t) => `${t.postId}@${t.version}`)
      .sort(),
  };
}

describe('PostStore against the reference model', () => {
  it('should agree on every result, the final records, the counters and every query', () => {
    fc.assert(
      fc.property(
        createdAtArb,
        stepsArb,
        fc.array(queryArb, { minLength: 1, maxLength: 4 }),
        (created, steps, queries) => {
          const sut = new PostStore(MODEL_OPTIONS);
          const model = new ReferenceModel(MODEL_OPTIONS);
          for (const event of buildEvents(created, steps)) {
            if (event === 'trim') {
              sut.trim();
              continue;
            }
            expect(summary(sut.apply(event))).toBe(summary(model.apply(event)));
            // Invariant: a post is never both live and deleted.
            for (const id of MODEL_POST_IDS) {
              expect(sut.livePost(id) !== undefined && sut.isDeleted(id)).toBe(false);
            }
          }
          expect(liveAndDead(sut)).toEqual({ live: model.livePosts(), dead: model.tombstones() });
          expect(sut.counts()).toEqual(Object.fromEntries(model.counts));
          for (const q of queries) {
            expect(query(sut, q)).toEqual(model.query(toRequest(q), q.scanCap));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('should end in the same state whatever the number of redeliveries of any event', () => {
    fc.assert(
      fc.property(createdAtArb, stepsArb, fc.array(fc.nat(), { maxLength: 20 }), (created, steps, dupes) => {
        const events = buildEvents(created, steps).filter((e) => e !== 'trim');
        const once = new PostStore(MODEL_OPTIONS);
        events.forEach((e) => once.apply(e));
        const twice = new PostStore(MODEL_OPTIONS);
        const extra = new Set(dupes.map((d) => d % Math.max(1, events.length)));
        events.forEach((e, i) => {
          twice.apply(e);
          if (extra.has(i)) {
            expect(twice.apply(e).kind).toBe('duplicate');
          }
        });
        expect(liveAndDead(twice)).toEqual(liveAndDead(once));
      }),
      { numRuns: 200 },
    );
  });
});
