import fc from 'fast-check';
import { compareHits, type Hit, TopK } from './top-k';

const hit = (postId: string, similarity: number, row = 0): Hit => ({ row, postId, similarity });

describe('TopK', () => {
  it('keeps the k best by similarity, ties broken by post id ascending', () => {
    const top = new TopK(3);
    for (const h of [hit('d', 0.5), hit('b', 0.9), hit('c', 0.9), hit('a', 0.9), hit('e', 0.95)]) {
      top.offer(h);
    }
    expect(top.sorted().map((h) => h.postId)).toEqual(['e', 'a', 'b']);
  });

  it('k larger than the input returns everything, sorted', () => {
    const top = new TopK(10);
    [hit('x', 0.1), hit('y', 0.3)].forEach((h) => top.offer(h));
    expect(top.sorted().map((h) => h.postId)).toEqual(['y', 'x']);
  });

  it('k = 0 keeps nothing; NaN similarities are never kept', () => {
    const none = new TopK(0);
    none.offer(hit('a', 1));
    expect(none.sorted()).toEqual([]);
    const top = new TopK(2);
    top.offer(hit('nan', Number.NaN));
    top.offer(hit('a', -1));
    expect(top.sorted().map((h) => h.postId)).toEqual(['a']);
  });

  it('equals "sort everything, take k" for any input and offer order', () => {
    const item = fc.record({
      postId: fc.string({ minLength: 1, maxLength: 3 }),
      similarity: fc.integer({ min: -3, max: 3 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(item, { selector: (i) => i.postId, maxLength: 40 }),
        fc.nat(45),
        (items, k) => {
          const top = new TopK(k);
          items.forEach((i) => top.offer(hit(i.postId, i.similarity / 4)));
          const expected = items
            .map((i) => hit(i.postId, i.similarity / 4))
            .sort(compareHits)
            .slice(0, k);
          expect(top.sorted()).toEqual(expected);
        },
      ),
    );
  });
});
