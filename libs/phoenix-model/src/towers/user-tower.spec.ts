import { createRng, generateWorld } from '@foryou/world';
import { initParams, type ModelSpec } from '../model-spec';
import { embedCorpus } from './candidate-tower';
import { authorVocabulary, buildCorpus } from './corpus';
import { usableSequence } from './user-sequence';
import { poolHistory, userForward } from './user-tower';

const world = generateWorld({ seed: 42, scale: 'small' });
const corpus = buildCorpus(world, authorVocabulary(world));
const spec: ModelSpec = {
  contentDim: 32,
  topics: 16,
  authorDim: 4,
  towerHidden: 8,
  embedDim: 8,
  seqLen: 3,
  rankHidden: 4,
};
const params = initParams(spec, authorVocabulary(world).length, createRng(1));
const emb = embedCorpus(spec, params, corpus);

describe('usableSequence', () => {
  it('keeps known posts with positive actions, newest first (ties in input order), capped at maxLen', () => {
    const seq = [
      { postId: 'A', action: 'favorite', atMs: 10 },
      { postId: 'B', action: 'report', atMs: 50 }, // negative: ignored
      { postId: 'nope', action: 'favorite', atMs: 60 }, // unknown post: ignored
      { postId: 'C', action: 'shrug', atMs: 70 }, // unknown action: ignored
      { postId: 'D', action: 'dwell', atMs: 30 },
      { postId: 'E', action: 'reply', atMs: 30 },
      { postId: 'A', action: 'click', atMs: Number.NaN }, // no usable time: ignored
      { postId: 'B', action: 'repost', atMs: 5 },
    ];
    const rows = usableSequence(corpus, seq, 3).map((u) => corpus.ids[u.row]);
    expect(rows).toEqual(['D', 'E', 'A']);
    expect(usableSequence(corpus, seq, 10).map((u) => u.weight)).toEqual([1, 3, 2, 2.5]);
  });
});

describe('user tower: the zero vector is "no personalisation"', () => {
  it('an empty or unusable history has no user vector (null, never NaN)', () => {
    expect(poolHistory(spec.embedDim, emb, [])).toBeNull();
    expect(userForward(spec, params, null)).toBeNull();
    const onlyNegative = usableSequence(corpus, [{ postId: 'A', action: 'not_interested', atMs: 1 }], 8);
    expect(userForward(spec, params, poolHistory(spec.embedDim, emb, onlyNegative))).toBeNull();
  });

  it('a projection that maps the history to zero is detected too', () => {
    const zeroW = { ...params, userW: new Float32Array(params.userW.length) };
    const pooled = poolHistory(
      spec.embedDim,
      emb,
      usableSequence(corpus, [{ postId: 'A', action: 'reply', atMs: 1 }], 8),
    );
    expect(pooled).not.toBeNull();
    expect(userForward(spec, zeroW, pooled)).toBeNull();
  });

  it('a usable history gives a unit vector', () => {
    const seq = [
      { postId: 'A', action: 'reply', atMs: 1 },
      { postId: 'B', action: 'dwell', atMs: 2 },
    ];
    const u = userForward(spec, params, poolHistory(spec.embedDim, emb, usableSequence(corpus, seq, 8)));
    expect(u).not.toBeNull();
    expect(Math.hypot(...u!.out)).toBeCloseTo(1, 12);
  });
});
