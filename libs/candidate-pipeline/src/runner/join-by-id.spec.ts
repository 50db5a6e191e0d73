import { applyOwned, joinById } from './join-by-id';

describe(joinById.name, () => {
  const cs: { id: string; n?: number }[] = [{ id: 'a' }, { id: 'b' }];

  it('should accept one row per id regardless of order', () => {
    const { accepted, violations } = joinById(cs, [
      { id: 'b', patch: { n: 2 } },
      { id: 'a', patch: { n: 1 } },
    ]);
    expect(violations).toEqual([]);
    expect(accepted.get('a')).toEqual({ n: 1 });
    expect(accepted.get('b')).toEqual({ n: 2 });
  });

  it('should report every kind of misalignment', () => {
    const { accepted, violations } = joinById(cs, [
      { id: 'a', patch: {} },
      { id: 'a', patch: {} },
      { id: 'x', patch: {} },
    ]);
    expect(accepted.size).toBe(0);
    expect(violations).toEqual(
      expect.arrayContaining([
        { kind: 'unknown_id', id: 'x' },
        { kind: 'duplicate_id', id: 'a' },
        { kind: 'missing_id', id: 'b' },
      ]),
    );
  });
});

describe(applyOwned.name, () => {
  it('should copy only owned fields, including explicit undefined', () => {
    const { value, set } = applyOwned({ id: 'a', x: 1, y: 2 }, { x: undefined, y: 9 }, ['x']);
    expect(value).toEqual({ id: 'a', x: undefined, y: 2 });
    expect(set).toEqual(['x']);
  });
});
