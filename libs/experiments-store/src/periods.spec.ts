import { splitAtKills } from './periods';
import type { KillRow } from './types';

function kill(killId: string, at: string, variant: string | null = null): KillRow {
  return {
    killId,
    experimentKey: 'e',
    variant,
    reason: 'r',
    actor: 'a',
    automatic: false,
    createdAt: new Date(at),
  };
}

describe(splitAtKills.name, () => {
  const from = new Date('2026-03-01T00:00:00Z');
  const to = new Date('2026-03-10T00:00:00Z');

  it('should return the window itself without kills', () => {
    expect(splitAtKills({ from, to }, [])).toEqual([{ index: 0, from, to, startedBy: [] }]);
    expect(splitAtKills({}, [])).toEqual([{ index: 0, startedBy: [] }]);
  });

  it('should split at each kill time, kills opening the period after them', () => {
    const k1 = kill('k1', '2026-03-04T00:00:00Z', 'treatment');
    const k2 = kill('k2', '2026-03-06T00:00:00Z');
    const k3 = kill('k3', '2026-03-06T00:00:00Z', 'other');
    expect(splitAtKills({ from, to }, [k2, k1, k3])).toEqual([
      { index: 0, from, to: k1.createdAt, startedBy: [] },
      { index: 1, from: k1.createdAt, to: k2.createdAt, startedBy: [k1] },
      { index: 2, from: k2.createdAt, to, startedBy: [k2, k3] },
    ]);
  });

  it('should ignore kills outside or on the edges of the window, and handle open bounds', () => {
    const early = kill('early', '2026-02-01T00:00:00Z');
    const edge = kill('edge', '2026-03-01T00:00:00Z');
    const inside = kill('in', '2026-03-02T00:00:00Z');
    expect(splitAtKills({ from, to }, [early, edge])).toHaveLength(1);
    expect(splitAtKills({}, [inside])).toEqual([
      { index: 0, to: inside.createdAt, startedBy: [] },
      { index: 1, from: inside.createdAt, startedBy: [inside] },
    ]);
  });
});
