import {
  ACTION_LOG,
  actionHistory,
  indexActionHistory,
  isPositiveEngagement,
  strongestPositiveAction,
} from './action-history';
import { type Action, type Engagement, generateEngagementLog } from './engagement';
import { FIXTURE } from './fixture';
import { generateWorld } from './world';

function ev(viewerId: string, postId: string, atMs: number, actions: Action[]): Engagement {
  return { viewerId, postId, atMs, actions: new Set(actions), dwellMs: 500 };
}

describe('strongestPositiveAction', () => {
  it('picks the strongest positive action: reply > repost > favorite > click > dwell', () => {
    expect(strongestPositiveAction(ev('u', 'p', 0, ['dwell', 'click', 'favorite']))).toBe('favorite');
    expect(strongestPositiveAction(ev('u', 'p', 0, ['dwell', 'reply']))).toBe('reply');
    expect(strongestPositiveAction(ev('u', 'p', 0, ['dwell']))).toBe('dwell');
  });

  it('a negative action or no action at all is not a positive engagement', () => {
    expect(strongestPositiveAction(ev('u', 'p', 0, ['favorite', 'report']))).toBeUndefined();
    expect(isPositiveEngagement(ev('u', 'p', 0, ['not_interested']))).toBe(false);
    expect(isPositiveEngagement(ev('u', 'p', 0, []))).toBe(false);
  });
});

describe('indexActionHistory on a hand-made log', () => {
  const log = [
    ev('a', 'p1', 10, ['click']),
    ev('a', 'p2', 20, []),
    ev('b', 'p1', 20, ['favorite']),
    ev('a', 'p3', 30, ['favorite', 'mute_author']),
    ev('a', 'p4', 40, ['reply', 'dwell']),
    ev('a', 'p5', 50, ['dwell']),
  ];
  const history = indexActionHistory(log);

  it('returns only positive engagements strictly before beforeMs, newest first, capped at n', () => {
    expect(history.recent('a', 10, 50)).toEqual([
      { postId: 'p4', action: 'reply', atMs: 40 },
      { postId: 'p1', action: 'click', atMs: 10 },
    ]);
    expect(history.recent('a', 1, 1000)).toEqual([{ postId: 'p5', action: 'dwell', atMs: 50 }]);
    expect(history.recent('a', 10, 10)).toEqual([]);
    expect(history.positiveCount('a', 41)).toBe(2);
    expect(history.positiveCount('a', 1000)).toBe(3);
  });

  it('unknown users and n <= 0 give nothing', () => {
    expect(history.recent('nobody', 5, 1000)).toEqual([]);
    expect(history.positiveCount('nobody', 1000)).toBe(0);
    expect(history.recent('a', 0, 1000)).toEqual([]);
  });

  it('cuts at the event time at the 80th percentile (index floor(0.8·n))', () => {
    expect(history.trainCutoffMs).toBe(log[4]!.atMs);
  });

  it('rejects a log that is not sorted by time', () => {
    expect(() => indexActionHistory([log[1]!, log[0]!])).toThrow(RangeError);
  });
});

describe('actionHistory(world)', () => {
  const world = generateWorld({ seed: 42, scale: 'small' });
  const history = actionHistory(world);

  it('is the ACTION_LOG engagement log, computed once per world', () => {
    expect(actionHistory(world)).toBe(history);
    const again = generateEngagementLog(world, ACTION_LOG);
    expect(history.events).toHaveLength(again.length);
    expect(history.events.slice(0, 50).map((e) => `${e.viewerId}|${e.postId}|${e.atMs}`)).toEqual(
      again.slice(0, 50).map((e) => `${e.viewerId}|${e.postId}|${e.atMs}`),
    );
  });

  it('splits by time: about 80% of events fall before the cutoff', () => {
    const train = history.events.filter((e) => e.atMs < history.trainCutoffMs).length;
    expect(train / history.events.length).toBeGreaterThan(0.75);
    expect(train / history.events.length).toBeLessThanOrEqual(0.8);
  });

  it("xiaolin's recent history is hers, positive, time-bounded and newest first", () => {
    const recent = history.recent(FIXTURE.viewerId, 16, history.trainCutoffMs);
    expect(recent.length).toBeGreaterThan(0);
    const byKey = new Map(history.events.map((e) => [`${e.viewerId}|${e.postId}`, e]));
    for (let i = 0; i < recent.length; i++) {
      const entry = recent[i]!;
      const event = byKey.get(`${FIXTURE.viewerId}|${entry.postId}`);
      expect(event).toBeDefined();
      expect(strongestPositiveAction(event!)).toBe(entry.action);
      expect(entry.atMs).toBeLessThan(history.trainCutoffMs);
      if (i > 0) {
        expect(entry.atMs).toBeLessThanOrEqual(recent[i - 1]!.atMs);
      }
    }
  });
});
