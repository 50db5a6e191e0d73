import { createRng, generateWorld } from '@foryou/world';
import { initParams, type ModelParams, type ModelSpec, RANK_FEATURES } from '../model-spec';
import { rankerBackward, rankerForward } from '../ranking/ranker';
import { type CandidateGrads, candidateBackward, candidateForward } from '../towers/candidate-tower';
import { authorVocabulary, buildCorpus } from '../towers/corpus';
import { userBackward, userForward } from '../towers/user-tower';

/**
 * Finite-difference checks of every hand-written backward pass: the analytic gradient of a random
 * linear functional of the output must match (f(θ+h) − f(θ−h)) / 2h.
 */
const world = generateWorld({ seed: 3, scale: 'small' });
const authors = authorVocabulary(world);
const corpus = buildCorpus(world, authors);
const spec: ModelSpec = {
  contentDim: 32,
  topics: 16,
  authorDim: 4,
  towerHidden: 8,
  embedDim: 6,
  seqLen: 8,
  rankHidden: 5,
};

function randomised(): ModelParams {
  const p = initParams(spec, authors.length, createRng(3));
  const rng = createRng(5);
  for (const t of [p.authorEmb, p.candB1, p.candB2, p.rankB1, p.userW]) {
    for (let i = 0; i < t.length; i++) {
      t[i] = t[i]! + 0.3 * rng.normal();
    }
  }
  return p;
}

function check(
  p: ModelParams,
  name: keyof ModelParams,
  indices: readonly number[],
  objective: () => number,
  analytic: Float64Array,
): void {
  for (const i of indices) {
    const t = p[name];
    const old = t[i]!;
    const h = 1e-2;
    t[i] = old + h;
    const plus = objective();
    t[i] = old - h;
    const minus = objective();
    t[i] = old;
    const numeric = (plus - minus) / (2 * h);
    expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
  }
}

const spread = (length: number, count: number) =>
  Array.from({ length: Math.min(count, length) }, (_, k) =>
    Math.floor((k * length) / Math.min(count, length)),
  );

describe('gradients', () => {
  const rng = createRng(11);
  const dOut = Float64Array.from({ length: spec.embedDim }, () => rng.normal());

  it('candidate tower (MLP, skip and author embedding)', () => {
    const p = randomised();
    const row = 17;
    const objective = () => {
      const t = candidateForward(spec, p, corpus, row);
      return t.out.reduce((s, v, j) => s + v * dOut[j]!, 0);
    };
    const g: CandidateGrads = {
      candW1: new Float64Array(p.candW1.length),
      candB1: new Float64Array(p.candB1.length),
      candW2: new Float64Array(p.candW2.length),
      candB2: new Float64Array(p.candB2.length),
      candSkip: new Float64Array(p.candSkip.length),
      authorEmb: new Float64Array(p.authorEmb.length),
    };
    candidateBackward(spec, p, corpus, candidateForward(spec, p, corpus, row), dOut, g);
    for (const name of ['candW1', 'candB1', 'candW2', 'candB2', 'candSkip'] as const) {
      check(p, name, spread(p[name].length, 25), objective, g[name]);
    }
    const authorOff = corpus.authorRow[row]! * spec.authorDim;
    check(
      p,
      'authorEmb',
      [0, 1, 2, 3].map((k) => authorOff + k),
      objective,
      g.authorEmb,
    );
  });

  it('user tower projection', () => {
    const p = randomised();
    const pooled = Float64Array.from({ length: spec.embedDim }, () => rng.normal());
    const objective = () => userForward(spec, p, pooled)!.out.reduce((s, v, j) => s + v * dOut[j]!, 0);
    const g = new Float64Array(p.userW.length);
    userBackward(spec, userForward(spec, p, pooled)!, dOut, g);
    check(p, 'userW', spread(g.length, 36), objective, g);
  });

  it('ranker', () => {
    const p = randomised();
    const x = Float64Array.from({ length: RANK_FEATURES.length }, () => rng.normal());
    const dLogits = Float64Array.from({ length: 9 }, () => rng.normal());
    const objective = () => rankerForward(spec, p, x).logits.reduce((s, v, k) => s + v * dLogits[k]!, 0);
    const g = {
      rankW1: new Float64Array(p.rankW1.length),
      rankB1: new Float64Array(p.rankB1.length),
      rankW2: new Float64Array(p.rankW2.length),
      rankB2: new Float64Array(p.rankB2.length),
    };
    rankerBackward(spec, p, x, 0, rankerForward(spec, p, x), dLogits, g);
    for (const name of ['rankW1', 'rankB1', 'rankW2', 'rankB2'] as const) {
      check(p, name, spread(p[name].length, 25), objective, g[name]);
    }
  });
});
