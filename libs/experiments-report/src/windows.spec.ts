import { experimentDefinition } from './testing/fixtures';
import { activeArms, activeWeights, armOrder, comparisonWindows } from './windows';

const kill = (variant: string | null, at: string) => ({
  killId: `k-${variant ?? 'all'}-${at}`,
  variant,
  reason: 'test',
  actor: 'tester',
  automatic: false,
  at,
});
const window = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' };
const ARMS = ['control', 'a', 'b'];

describe('arms and windows', () => {
  it('should put control first, then the definition order', () => {
    const def = experimentDefinition({
      variants: [
        { key: 'b', weight: 0.3, params: {} },
        { key: 'control', weight: 0.4, params: {} },
        { key: 'a', weight: 0.3, params: {} },
      ],
    });
    expect(armOrder(def)).toEqual(['control', 'b', 'a']);
  });

  it('should end an arm at its kill, and every arm at a kill of control or of the experiment', () => {
    const kills = [kill('a', '2026-03-04T00:00:00.000Z')];
    expect(activeArms(ARMS, kills, '2026-03-03T23:59:59.999Z')).toEqual(ARMS);
    expect(activeArms(ARMS, kills, '2026-03-04T00:00:00.000Z')).toEqual(['control', 'b']);
    expect(activeArms(ARMS, kills, null)).toEqual(ARMS);
    expect(
      activeArms(ARMS, [kill('control', '2026-03-04T00:00:00.000Z')], '2026-03-05T00:00:00.000Z'),
    ).toEqual([]);
    expect(activeArms(ARMS, [kill(null, '2026-03-04T00:00:00.000Z')], '2026-03-05T00:00:00.000Z')).toEqual(
      [],
    );
  });

  it('should give killed arms weight 0 for SRM', () => {
    const def = experimentDefinition({
      variants: [
        { key: 'control', weight: 0.5, params: {} },
        { key: 'a', weight: 0.25, params: {} },
        { key: 'b', weight: 0.25, params: {} },
      ],
    });
    const kills = [kill('a', '2026-03-04T00:00:00.000Z')];
    expect(activeWeights(def, ARMS, kills, '2026-03-02T00:00:00.000Z')).toEqual([0.5, 0.25, 0.25]);
    expect(activeWeights(def, ARMS, kills, '2026-03-04T00:00:00.000Z')).toEqual([0.5, 0, 0.25]);
  });

  it('should end each comparison at the first kill that ends the treatment or control', () => {
    expect(comparisonWindows(ARMS, window, [])).toEqual([{ ...window, arms: ARMS }]);
    const kills = [kill('a', '2026-03-05T12:00:00.000Z'), kill('b', '2026-03-20T00:00:00.000Z')];
    expect(comparisonWindows(ARMS, window, kills)).toEqual([
      { from: window.from, to: '2026-03-05T12:00:00.000Z', arms: ['control', 'a'] },
      { from: window.from, to: window.to, arms: ['control', 'b'] },
    ]);
    expect(comparisonWindows(ARMS, window, [kill('control', '2026-03-03T00:00:00.000Z')])).toEqual([
      { from: window.from, to: '2026-03-03T00:00:00.000Z', arms: ARMS },
    ]);
  });

  it('should drop a treatment killed before the window and keep open bounds open', () => {
    expect(comparisonWindows(ARMS, window, [kill('a', '2026-03-01T00:00:00.000Z')])).toEqual([
      { ...window, arms: ['control', 'b'] },
    ]);
    expect(comparisonWindows(ARMS, { from: null, to: null }, [])).toEqual([
      { from: null, to: null, arms: ARMS },
    ]);
  });
});
