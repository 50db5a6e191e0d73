import fc from 'fast-check';
import { fail, ok } from '../core/outcome';
import type { Filter } from '../stages/filter';
import type { Hydrator } from '../stages/hydrator';
import type { QueryHydrator } from '../stages/query-hydrator';
import type { Scorer } from '../stages/scorer';
import type { Source } from '../stages/source';
import { STAGE_ORDER } from '../stages/stage-kind';
import { SystemClock } from '../time/clock';
import { Deadline } from '../time/deadline';
import { FakeClock } from '../time/fake-clock';
import {
  barrier,
  cand,
  definition,
  dropIds,
  failingSource,
  labelHydrator,
  query,
  staticSource,
  topK,
  type TestCandidate,
  type TestQuery,
} from '../testing/fixtures';
import { PipelineRunner } from './pipeline-runner';

const realClock = new SystemClock();
const runner = new PipelineRunner({ clock: realClock });
/** A generous real deadline: a test that deadlocks fails by timeout status instead of hanging. */
const roomy = () => ({ deadline: Deadline.after(realClock, 2_000) });
/** Lets every already-resolved promise chain run (one macrotask turn); not a sleep. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(PipelineRunner.name, () => {
  it('should run the stages in x-algorithm order and write one ledger row per stage', async () => {
    const log: string[] = [];
    const qh: QueryHydrator<TestQuery> = {
      name: 'QH',
      fields: ['tag'],
      hydrate: () => {
        log.push('query_hydrator');
        return Promise.resolve(ok({ tag: 't' }));
      },
    };
    const source: Source<TestQuery, TestCandidate> = {
      name: 'S',
      fetch: (q) => {
        log.push(`source saw tag=${q.tag}`);
        return Promise.resolve(ok({ candidates: [{ candidate: cand('a') }, { candidate: cand('b') }] }));
      },
    };
    const hydr = (name: string): Hydrator<TestQuery, TestCandidate> => ({
      name,
      fields: ['label'],
      hydrate: (_q, cs) => {
        log.push(name);
        return Promise.resolve(ok(cs.map((c) => ({ id: c.id, patch: { label: name } }))));
      },
    });
    const filt = (name: string): Filter<TestQuery, TestCandidate> => ({
      name,
      filter: (_q, cs) => {
        log.push(name);
        return Promise.resolve(ok({ kept: cs, removed: [] }));
      },
    });
    const scorer = (name: string, value: number): Scorer<TestQuery, TestCandidate> => ({
      name,
      fields: ['score'],
      score: (_q, cs) => {
        log.push(`${name} saw ${cs.map((c) => c.score ?? '-').join(',')}`);
        return Promise.resolve(ok(cs.map((c) => ({ id: c.id, patch: { score: value } }))));
      },
    });
    const sut = definition({
      queryHydrators: [qh],
      sources: [source],
      hydrators: [hydr('H')],
      filters: [filt('F1'), filt('F2')],
      scorers: [scorer('S1', 1), scorer('S2', 2)],
      selector: {
        name: 'Sel',
        select: (_q, cs) => {
          log.push('selector');
          return { selected: cs.map((c) => ({ candidate: c, reason: 'x' })), notSelected: [] };
        },
      },
      postSelectionHydrators: [hydr('PH')],
      postSelectionFilters: [filt('PF')],
    });

    const result = await runner.run(sut, query(), roomy());

    expect(log).toEqual([
      'query_hydrator',
      'source saw tag=t',
      'H',
      'F1',
      'F2',
      'S1 saw -,-',
      'S2 saw 1,1',
      'selector',
      'PH',
      'PF',
    ]);
    expect(result.record.stages.map((s) => s.stage)).toEqual(STAGE_ORDER.filter((s) => s !== 'side_effects'));
    expect(result.record.stages[0]).toMatchObject({
      stage: 'query_hydrators',
      inputCount: null,
      outputCount: null,
    });
    expect(result.selected.map((c) => [c.id, c.label, c.score])).toEqual([
      ['a', 'PH', 2],
      ['b', 'PH', 2],
    ]);
  });

  it('should run query hydrators, sources and hydrators of one stage concurrently', async () => {
    const qb = barrier(2);
    const sb = barrier(2);
    const hb = barrier(2);
    const qh = (name: string): QueryHydrator<TestQuery> => ({
      name,
      fields: [],
      hydrate: async () => {
        await qb.arrive();
        return ok({});
      },
    });
    const src = (name: string, id: string): Source<TestQuery, TestCandidate> => ({
      name,
      fetch: async () => {
        await sb.arrive();
        return ok({ candidates: [{ candidate: cand(id) }] });
      },
    });
    const hyd = (name: string): Hydrator<TestQuery, TestCandidate> => ({
      name,
      fields: [],
      hydrate: async (_q, cs) => {
        await hb.arrive();
        return ok(cs.map((c) => ({ id: c.id, patch: {} })));
      },
    });
    // Each component waits until its sibling has started: run one after the other, they would time out.
    const result = await runner.run(
      definition({
        queryHydrators: [qh('Q1'), qh('Q2')],
        sources: [src('S1', 'a'), src('S2', 'b')],
        hydrators: [hyd('H1'), hyd('H2')],
      }),
      query(),
      roomy(),
    );

    expect(result.degradations).toEqual([]);
    expect(result.selected.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('should give hydrators of one stage the same snapshot (no hydrator sees another one’s output)', async () => {
    const seen: (string | undefined)[] = [];
    const first = labelHydrator('First', () => 'first');
    const second: Hydrator<TestQuery, TestCandidate> = {
      name: 'Second',
      fields: ['score'],
      hydrate: (_q, cs) => {
        seen.push(...cs.map((c) => c.label));
        return Promise.resolve(ok(cs.map((c) => ({ id: c.id, patch: { score: 1 } }))));
      },
    };
    const result = await runner.run(
      definition({ sources: [staticSource('S', ['a'])], hydrators: [first, second] }),
      query(),
      roomy(),
    );
    expect(seen).toEqual([undefined]);
    expect(result.selected[0]).toMatchObject({ label: 'first', score: 1 });
  });

  it('should keep the other sources’ candidates when one source fails, and report the failure', async () => {
    const result = await runner.run(
      definition({ sources: [staticSource('Good', ['a', 'b']), failingSource('Bad')] }),
      query(),
      roomy(),
    );

    expect(result.selected.map((c) => c.id)).toEqual(['a', 'b']);
    expect(result.degradations).toEqual([
      expect.objectContaining({
        stage: 'sources',
        component: 'Bad',
        status: 'error',
        errorKind: 'dependency_unavailable',
      }),
    ]);
    const sources = result.record.stages.find((s) => s.stage === 'sources')!;
    expect(sources.status).toBe('degraded');
    expect(sources.components.map((c) => [c.component, c.status])).toEqual([
      ['Good', 'ok'],
      ['Bad', 'error'],
    ]);
  });

  it('should tell an empty source from a failed one', async () => {
    const result = await runner.run(
      definition({ sources: [staticSource('Empty', []), failingSource('Broken')] }),
      query(),
      roomy(),
    );
    const rows = result.record.stages.find((s) => s.stage === 'sources')!.components;
    expect(rows.map((c) => [c.component, c.status, c.errorKind])).toEqual([
      ['Empty', 'empty', null],
      ['Broken', 'error', 'dependency_unavailable'],
    ]);
    expect(result.degradations.map((d) => d.component)).toEqual(['Broken']);
  });

  it('should turn a thrown exception into error(internal) instead of failing the request', async () => {
    const thrower: Source<TestQuery, TestCandidate> = {
      name: 'Thrower',
      fetch: () => Promise.reject(new Error('bug')),
    };
    const result = await runner.run(
      definition({ sources: [thrower, staticSource('S', ['a'])] }),
      query(),
      roomy(),
    );
    expect(result.selected.map((c) => c.id)).toEqual(['a']);
    expect(result.degradations[0]).toMatchObject({ component: 'Thrower', errorKind: 'internal' });
  });

  describe('id alignment of batch results', () => {
    const rowsHydrator = (
      rows: (cs: readonly TestCandidate[]) => { id: string; patch: Partial<TestCandidate> }[],
      failurePolicy: 'fail_open' | 'fail_closed' = 'fail_open',
    ): Hydrator<TestQuery, TestCandidate> => ({
      name: 'Rows',
      fields: ['label'],
      failurePolicy,
      hydrate: (_q, cs) => Promise.resolve(ok(rows(cs))),
    });
    const run = (h: Hydrator<TestQuery, TestCandidate>) =>
      runner.run(
        definition({ sources: [staticSource('S', ['a', 'b', 'c'])], hydrators: [h] }),
        query(),
        roomy(),
      );

    it('should apply rows returned in a swapped order to the right candidates', async () => {
      const result = await run(
        rowsHydrator((cs) => [...cs].reverse().map((c) => ({ id: c.id, patch: { label: `L${c.id}` } }))),
      );
      expect(result.selected.map((c) => [c.id, c.label])).toEqual([
        ['a', 'La'],
        ['b', 'Lb'],
        ['c', 'Lc'],
      ]);
      expect(result.degradations).toEqual([]);
    });

    it('should hand batch components one copy per id and give every copy the result', async () => {
      const seen: string[] = [];
      const h: Hydrator<TestQuery, TestCandidate> = {
        name: 'Once',
        fields: ['label'],
        hydrate: (_q, cs) => {
          seen.push(...cs.map((c) => c.id));
          return Promise.resolve(ok(cs.map((c) => ({ id: c.id, patch: { label: `L${c.id}` } }))));
        },
      };
      const result = await runner.run(
        definition({ sources: [staticSource('S1', ['a', 'b']), staticSource('S2', ['a'])], hydrators: [h] }),
        query(),
        roomy(),
      );
      expect(seen).toEqual(['a', 'b']);
      expect(result.degradations).toEqual([]);
      expect(result.selected.map((c) => [c.id, c.label])).toEqual([
        ['a', 'La'],
        ['a', 'La'],
        ['b', 'Lb'],
      ]);
      expect(result.record.candidates.find((c) => c.id === 'a')!.sources.map((s) => s.source)).toEqual([
        'S1',
        'S2',
      ]);
    });

    it('should reject duplicated, missing and unknown ids as alignment violations', async () => {
      const result = await run(
        rowsHydrator(() => [
          { id: 'a', patch: { label: 'x' } },
          { id: 'a', patch: { label: 'y' } },
          { id: 'b', patch: { label: 'ok' } },
          { id: 'zzz', patch: { label: 'ghost' } },
        ]),
      );
      expect(result.selected.map((c) => [c.id, c.label])).toEqual([
        ['a', undefined],
        ['b', 'ok'],
        ['c', undefined],
      ]);
      const row = result.record.stages.find((s) => s.stage === 'hydrators')!.components[0]!;
      expect(row).toMatchObject({
        status: 'error',
        errorKind: 'alignment_violation',
        alignmentViolations: 3,
      });
      expect(row.message).toBe('unknown_id=1 duplicate_id=1 missing_id=1');
    });

    it('should drop candidates without an aligned row when the hydrator is fail-closed', async () => {
      const result = await run(rowsHydrator(() => [{ id: 'b', patch: { label: 'ok' } }], 'fail_closed'));
      expect(result.selected.map((c) => c.id)).toEqual(['b']);
      const fates = Object.fromEntries(result.record.candidates.map((c) => [c.id, c.fate]));
      expect(fates.a).toMatchObject({
        bucket: 'filtered',
        stage: 'hydrators',
        component: 'Rows',
        reason: 'fail_closed',
      });
    });
  });

  it('should drop everything a failed fail-closed hydrator could not vouch for, and keep it for fail-open', async () => {
    const broken = (failurePolicy: 'fail_open' | 'fail_closed'): Hydrator<TestQuery, TestCandidate> => ({
      name: 'Safety',
      fields: ['label'],
      failurePolicy,
      hydrate: () => Promise.resolve(fail('dependency_error', 'store down')),
    });
    const closed = await runner.run(
      definition({ sources: [staticSource('S', ['a', 'b'])], hydrators: [broken('fail_closed')] }),
      query(),
      roomy(),
    );
    const open = await runner.run(
      definition({ sources: [staticSource('S', ['a', 'b'])], hydrators: [broken('fail_open')] }),
      query(),
      roomy(),
    );
    expect(closed.selected).toEqual([]);
    expect(closed.record.candidates.map((c) => c.fate)).toEqual([
      expect.objectContaining({
        bucket: 'filtered',
        reason: 'fail_closed',
        detail: 'dependency_error: store down',
      }),
      expect.objectContaining({ bucket: 'filtered', reason: 'fail_closed' }),
    ]);
    expect(open.selected.map((c) => c.id)).toEqual(['a', 'b']);
    expect(open.degradations[0]).toMatchObject({ component: 'Safety', policy: 'fail_open' });
  });

  it('should remove all for an erroring fail-closed filter and keep all for a fail-open one', async () => {
    const erroring = (failurePolicy: 'fail_open' | 'fail_closed'): Filter<TestQuery, TestCandidate> => ({
      name: 'Err',
      failurePolicy,
      filter: () => Promise.resolve(fail('dependency_unavailable', 'no list')),
    });
    const closed = await runner.run(
      definition({ sources: [staticSource('S', ['a'])], filters: [erroring('fail_closed')] }),
      query(),
      roomy(),
    );
    const open = await runner.run(
      definition({ sources: [staticSource('S', ['a'])], filters: [erroring('fail_open')] }),
      query(),
      roomy(),
    );
    expect(closed.selected).toEqual([]);
    expect(open.selected.map((c) => c.id)).toEqual(['a']);
  });

  it('should treat a filter that loses or invents candidates as an alignment violation', async () => {
    const lossy: Filter<TestQuery, TestCandidate> = {
      name: 'Lossy',
      filter: (_q, cs) => Promise.resolve(ok({ kept: cs.slice(1), removed: [] })),
    };
    const result = await runner.run(
      definition({ sources: [staticSource('S', ['a', 'b'])], filters: [lossy] }),
      query(),
      roomy(),
    );
    expect(result.selected.map((c) => c.id)).toEqual(['a', 'b']);
    expect(result.degradations[0]).toMatchObject({ component: 'Lossy', errorKind: 'alignment_violation' });
  });

  it('should record disabled components as disabled and not call them', async () => {
    const calls: string[] = [];
    const source: Source<TestQuery, TestCandidate> = {
      name: 'Off',
      enabled: (q) => q.userId !== 'u1',
      fetch: () => {
        calls.push('Off');
        return Promise.resolve(ok({ candidates: [] }));
      },
    };
    const result = await runner.run(definition({ sources: [source] }), query(), roomy());
    expect(calls).toEqual([]);
    expect(result.record.stages[1]!.components[0]).toMatchObject({ component: 'Off', status: 'disabled' });
    expect(result.degradations[0]).toMatchObject({ component: 'Off', status: 'disabled' });
  });

  it('should copy only the fields a query hydrator owns', async () => {
    const greedy: QueryHydrator<TestQuery> = {
      name: 'Greedy',
      fields: ['tag'],
      hydrate: () => Promise.resolve(ok({ tag: 'mine', userId: 'hijacked' })),
    };
    const result = await runner.run(definition({ queryHydrators: [greedy] }), query(), roomy());
    expect(result.query).toMatchObject({ tag: 'mine', userId: 'u1' });
  });

  it('should cancel a component that never finishes at the deadline and return the partial result in budget', async () => {
    const clock = new FakeClock(1_000);
    const fakeRunner = new PipelineRunner({ clock });
    const started = barrier(2);
    let abortedWith: unknown;
    const hanging: Source<TestQuery, TestCandidate> = {
      name: 'Hanging',
      fetch: (_q, ctx) => {
        ctx.signal.addEventListener('abort', () => {
          abortedWith = ctx.signal.reason;
        });
        void started.arrive();
        return new Promise(() => undefined);
      },
    };
    const budgetMs = 100;
    const running = fakeRunner.run(definition({ sources: [staticSource('Fast', ['a']), hanging] }), query(), {
      deadline: Deadline.after(clock, budgetMs),
      reserveMs: 10,
    });
    await started.arrive();
    await settled(); // the fast source's result is in; only the hanging one is outstanding
    clock.advance(90);
    const result = await running;

    expect(clock.now() - 1_000).toBeLessThanOrEqual(budgetMs);
    expect(result.selected.map((c) => c.id)).toEqual(['a']);
    expect(result.degradations).toEqual([
      expect.objectContaining({ component: 'Hanging', status: 'timeout' }),
    ]);
    expect(abortedWith).toBeInstanceOf(Error);
    expect(clock.pendingTimers).toBe(0);
  });

  it('should stop waiting and report cancelled when the request is aborted', async () => {
    const controller = new AbortController();
    const started = barrier(2);
    const hanging: Source<TestQuery, TestCandidate> = {
      name: 'Hanging',
      fetch: () => {
        void started.arrive();
        return new Promise(() => undefined);
      },
    };
    const running = runner.run(definition({ sources: [hanging] }), query(), {
      ...roomy(),
      signal: controller.signal,
    });
    await started.arrive();
    controller.abort();
    const result = await running;
    expect(result.degradations[0]).toMatchObject({ component: 'Hanging', status: 'cancelled' });
  });

  it('should not run side effects but hand back the enabled ones with their input', async () => {
    const ran: string[] = [];
    const effect = (name: string, enabled: boolean) => ({
      name,
      enabled: () => enabled,
      run: () => {
        ran.push(name);
        return Promise.resolve();
      },
    });
    const result = await runner.run(
      definition({
        sources: [staticSource('S', ['a'])],
        sideEffects: [effect('On', true), effect('Off', false)],
      }),
      query(),
      roomy(),
    );
    expect(ran).toEqual([]);
    expect(result.sideEffects.effects.map((e) => e.name)).toEqual(['On']);
    expect(result.sideEffects.input.selected.map((c) => c.id)).toEqual(['a']);
  });

  it('should record the nested pipeline of a source and its degradations', async () => {
    const inner = await runner.run(
      definition({ name: 'inner', sources: [failingSource('InnerBad'), staticSource('S', ['a'])] }),
      query(),
      roomy(),
    );
    const wrapping: Source<TestQuery, TestCandidate> = {
      name: 'Inner',
      fetch: () =>
        Promise.resolve(
          ok({ candidates: inner.selected.map((c) => ({ candidate: c })), nested: inner.record }),
        ),
    };
    const outer = await runner.run(definition({ name: 'outer', sources: [wrapping] }), query(), roomy());
    expect(Object.keys(outer.record.nested)).toEqual(['Inner']);
    expect(outer.degradations).toEqual([
      expect.objectContaining({ pipeline: 'inner', component: 'InnerBad' }),
    ]);
  });

  it('should put every candidate in exactly one bucket (selected, filtered with reason, not selected)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { maxLength: 12 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { maxLength: 12 }),
        fc.subarray(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']),
        fc.subarray(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']),
        fc.nat({ max: 10 }),
        fc.nat({ max: 10 }),
        async (idsA, idsB, dropped, postDropped, k, size) => {
          const dedupe: Filter<TestQuery, TestCandidate> = {
            name: 'Dedupe',
            filter: (_q, cs) => {
              const seen = new Set<string>();
              const kept: TestCandidate[] = [];
              const removed: { candidate: TestCandidate; reason: string }[] = [];
              for (const c of cs) {
                if (seen.has(c.id)) {
                  removed.push({ candidate: c, reason: 'duplicate' });
                } else {
                  seen.add(c.id);
                  kept.push(c);
                }
              }
              return Promise.resolve(ok({ kept, removed }));
            },
          };
          const result = await runner.run(
            definition({
              sources: [staticSource('A', idsA), staticSource('B', idsB), failingSource('C')],
              filters: [dedupe, dropIds('Drop', dropped, 'dropped')],
              selector: topK(k),
              postSelectionFilters: [dropIds('PostDrop', postDropped, 'post_dropped')],
              resultSize: () => size,
            }),
            query(),
            roomy(),
          );
          const records = result.record.candidates;
          const distinct = new Set([...idsA, ...idsB]);
          expect(records.map((r) => r.id).sort()).toEqual([...distinct].sort());
          for (const r of records) {
            expect(r.fate.reason).not.toBe('unaccounted');
            if (r.fate.bucket === 'filtered') {
              expect(r.fate.reason.length).toBeGreaterThan(0);
            }
          }
          const selectedIds = records.filter((r) => r.fate.bucket === 'selected').map((r) => r.id);
          expect(selectedIds.sort()).toEqual(result.selected.map((c) => c.id).sort());
          expect(result.selected.length).toBeLessThanOrEqual(Math.min(k, size));
          result.selected.forEach((c, i) => {
            expect(records.find((r) => r.id === c.id)!.fate).toMatchObject({
              bucket: 'selected',
              position: i,
            });
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
