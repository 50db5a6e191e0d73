import { generateWorld, topicName } from '@foryou/world';
import {
  classify,
  CLASSIFIER_RULES,
  contentHash,
  decodeEmbedding,
  embed,
  encodeEmbedding,
  summarize,
  SUMMARY_MAX_CHARS,
  tokenize,
} from './content-models';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('stand-in models', () => {
  describe(tokenize.name, () => {
    it('should lower-case, strip hashtags and punctuation, and drop @-mentions and 1-letter tokens', () => {
      expect(tokenize('@priya_511 Totally agree! #Politics a b2')).toEqual([
        'totally',
        'agree',
        'politics',
        'b2',
      ]);
    });
  });

  describe(summarize.name, () => {
    it('should take the first sentence and the most frequent terms (ties by first occurrence)', () => {
      expect(
        summarize({ text: 'Rust beats Go. Go is fine; rust is fast, rust!', topic: 'programming' }),
      ).toEqual({ summary: 'Rust beats Go.', terms: ['rust', 'go', 'beats', 'fine', 'fast'] });
    });

    it('should cut a long first sentence at a word boundary', () => {
      const { summary } = summarize({ text: `${'word '.repeat(60)}end`, topic: '' });
      expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
      expect(summary.endsWith('…')).toBe(true);
      expect(summary).not.toMatch(/wor…$/);
    });

    it('should summarise the world post texts as they are (no sentence end: the whole text)', () => {
      expect(summarize({ text: 'hot take on #politics', topic: 'politics' })).toEqual({
        summary: 'hot take on #politics',
        terms: ['hot', 'take', 'politics'],
      });
    });
  });

  describe(embed.name, () => {
    const content = { text: 'a love letter to #cooking', topic: 'cooking' };

    it('should be deterministic, L2-normalised and of the requested dimension', () => {
      const a = embed(content, summarize(content), 32);
      const b = embed(content, summarize(content), 32);
      expect(a).toHaveLength(32);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(norm(a)).toBeCloseTo(1, 6);
    });

    it('should be normalised for every post of a world, in the dimension of its post embeddings', () => {
      const world = generateWorld({ seed: 3, scale: 'small' });
      const dim = world.config.embeddingDim;
      for (const post of world.postList.slice(0, 500)) {
        const c = { text: post.text, topic: topicName(post.topic) };
        const v = embed(c, summarize(c), dim);
        expect(v).toHaveLength(post.embedding.length);
        expect(norm(v)).toBeCloseTo(1, 5);
        expect(v.every(Number.isFinite)).toBe(true);
      }
    });

    it('should place texts sharing terms closer than unrelated ones', () => {
      const v = (text: string, topic: string) => embed({ text, topic }, summarize({ text, topic }), 32);
      const cooking1 = v('a love letter to #cooking', 'cooking');
      const cooking2 = v('quick tip for #cooking', 'cooking');
      const football = v('big news in #football', 'football');
      expect(cosine(cooking1, cooking2)).toBeGreaterThan(cosine(cooking1, football));
    });

    it('should map text without terms to e_0 rather than NaN', () => {
      const v = embed({ text: '@someone !!', topic: '' }, { summary: '', terms: [] }, 8);
      expect(Array.from(v)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    });

    it('should round-trip through base64 float32', () => {
      const v = embed(content, summarize(content), 32);
      const encoded = encodeEmbedding(v);
      expect(Buffer.from(encoded, 'base64')).toHaveLength(32 * 4);
      expect(Array.from(decodeEmbedding(encoded))).toEqual(Array.from(v));
    });

    it('should reject a non-positive dimension', () => {
      expect(() => embed(content, summarize(content), 0)).toThrow(RangeError);
    });
  });

  describe(classify.name, () => {
    it.each([
      ['free crypto giveaway, total scam', 'music', 'unsafe', 'unsafe_term', 0.9],
      ['the moon landing hoax, again', 'science', 'medium_risk', 'risky_term', 0.75],
      ['hot take on #politics', 'politics', 'medium_risk', 'provocative_sensitive_topic', 0.6],
      ['unpopular opinion: #finance', 'finance', 'medium_risk', 'provocative_sensitive_topic', 0.6],
      ['big news in #politics', 'politics', 'low_risk', 'sensitive_topic', 0.6],
      ['hot take on #cooking', 'cooking', 'low_risk', 'provocative_phrase', 0.55],
      ['a love letter to #cooking', 'cooking', 'safe', 'no_rule_matched', 0.8],
      ['relevant, but nobody knows if it is safe #music', 'music', 'safe', 'no_rule_matched', 0.8],
    ] as const)('should label %j (topic %s) %s by rule %s', (text, topic, label, rule, confidence) => {
      expect(classify({ text, topic })).toEqual({ label, rule, confidence });
    });

    it('should use the topic even when the text does not name it', () => {
      expect(classify({ text: 'thoughts', topic: 'politics' }).rule).toBe('sensitive_topic');
    });

    it('should only produce world SafetyLabel values, with confidences in (0, 1]', () => {
      for (const r of CLASSIFIER_RULES) {
        expect(['safe', 'low_risk', 'medium_risk', 'unsafe']).toContain(r.label);
        expect(r.confidence).toBeGreaterThan(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
      }
    });

    it('should need the whole phrase, in order', () => {
      expect(classify({ text: 'take a hot bath', topic: 'fitness' }).label).toBe('safe');
    });
  });

  describe(contentHash.name, () => {
    it('should change with the text or the topic, and only with them', () => {
      const base = contentHash({ text: 'x y', topic: 'ai' });
      expect(contentHash({ text: 'x y', topic: 'ai' })).toBe(base);
      expect(contentHash({ text: 'x y!', topic: 'ai' })).not.toBe(base);
      expect(contentHash({ text: 'x y', topic: 'music' })).not.toBe(base);
      expect(contentHash({ text: 'x', topic: 'y ai' })).not.toBe(contentHash({ text: 'x y', topic: 'ai' }));
    });
  });
});
