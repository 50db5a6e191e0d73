import { createHash } from 'node:crypto';
import type { SafetyLabel } from '@foryou/world';

/*
 * STAND-IN MODELS. Grox (book §4.5) would call real models here — an LLM summariser, an embedding
 * model, a safety classifier. This repository has none, so these are small deterministic functions
 * with the same shapes: same input → same output, no network, no randomness, no clock. They are
 * honest placeholders, not quality claims:
 *
 * - summarize: extractive — the first sentence (≤ 140 chars) and the most frequent terms.
 * - embed: feature hashing ("hashed bag of words") of the text's terms into D dimensions (D = the
 *   world's post-embedding dimension, 32 by default), L2-normalised. Same dimension as the world's
 *   post embeddings, NOT the same space: the world's vectors are latent topic vectors, so a cosine
 *   between a Grox vector and a world vector means nothing. Grox vectors are comparable with each
 *   other only (posts sharing terms are close).
 * - classify: a handful of keyword / topic rules producing one of the world's SafetyLabel values
 *   with a fixed per-rule confidence (see CLASSIFIER_RULES).
 *
 * Bump MODEL_REVISION whenever any output for the same input changes: it is part of the result
 * version and of the graph id, so posts are re-processed and newer results replace older ones.
 */
export const MODEL_REVISION = 1;
export const MODEL_VERSION = `grox-standin-${MODEL_REVISION}`;
export const SUMMARIZER_VERSION = 'extractive-1';
export const EMBEDDING_METHOD = 'hashed-bow-1';
export const CLASSIFIER_VERSION = 'rules-1';

/** The content the models see. */
export interface PostContent {
  readonly text: string;
  /** Topic name (e.g. `politics`), '' when unknown. */
  readonly topic: string;
}

const STOPWORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'from',
  'has',
  'i',
  'if',
  'in',
  'is',
  'it',
  'its',
  'me',
  'my',
  'not',
  'of',
  'on',
  'one',
  'or',
  'so',
  'that',
  'the',
  'this',
  'to',
  'was',
  'we',
  'what',
  'with',
  'you',
  'your',
]);

/**
 * Lower-cased word tokens of the text, in order: letters/digits runs (hashtags lose their '#');
 * @-mentions (account handles, i.e. ids) are dropped, as are 1-character tokens.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/\s+/)) {
    if (raw.startsWith('@')) {
      continue;
    }
    for (const token of raw.split(/[^\p{L}\p{N}_]+/u)) {
      if (token.length > 1) {
        out.push(token);
      }
    }
  }
  return out;
}

/** Tokens that carry content: `tokenize` without stopwords. */
export function contentTerms(text: string): string[] {
  return tokenize(text).filter((t) => !STOPWORDS.has(t));
}

export interface Summary {
  /** The first sentence, at most SUMMARY_MAX_CHARS (cut at a word boundary, with '…'). */
  readonly summary: string;
  /** Up to SUMMARY_TERMS distinct content terms, most frequent first (ties: first occurrence). */
  readonly terms: readonly string[];
}

export const SUMMARY_MAX_CHARS = 140;
export const SUMMARY_TERMS = 5;

/** Stand-in summariser (extractive). */
export function summarize(content: PostContent): Summary {
  const text = content.text.replace(/\s+/g, ' ').trim();
  const end = text.search(/[.!?](\s|$)/);
  let first = end < 0 ? text : text.slice(0, end + 1);
  if (first.length > SUMMARY_MAX_CHARS) {
    const cut = first.slice(0, SUMMARY_MAX_CHARS - 1);
    const space = cut.lastIndexOf(' ');
    first = `${space > SUMMARY_MAX_CHARS / 2 ? cut.slice(0, space) : cut}…`;
  }
  const counts = new Map<string, { n: number; first: number }>();
  contentTerms(text).forEach((term, i) => {
    const c = counts.get(term);
    if (c) {
      c.n++;
    } else {
      counts.set(term, { n: 1, first: i });
    }
  });
  const terms = [...counts.entries()]
    .sort(([, a], [, b]) => b.n - a.n || a.first - b.first)
    .slice(0, SUMMARY_TERMS)
    .map(([term]) => term);
  return { summary: first, terms };
}

/** FNV-1a, 32-bit, over the UTF-8 bytes (the same hash the post-event partitioning uses). */
export function fnv1a32(value: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(value, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Stand-in embedding: signed feature hashing of the content terms (each occurrence weight 1, the
 * topic name and the summary's top terms one extra each), L2-normalised. Term t goes to dimension
 * fnv1a32(t) mod D with sign from an independent hash, so unrelated terms cancel out on average.
 * No terms at all → e_0 (the world's convention for a zero vector).
 */
export function embed(content: PostContent, summary: Summary, dim: number): Float32Array {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`embedding dimension must be a positive integer, got ${dim}`);
  }
  const v = new Float64Array(dim);
  const add = (term: string): void => {
    const slot = fnv1a32(term) % dim;
    v[slot] = v[slot]! + ((fnv1a32(`sign:${term}`) & 1) === 0 ? 1 : -1);
  };
  contentTerms(content.text).forEach(add);
  if (content.topic !== '') {
    add(content.topic.toLowerCase());
  }
  summary.terms.forEach(add);
  let norm = 0;
  for (const x of v) {
    norm += x * x;
  }
  const out = new Float32Array(dim);
  if (norm === 0) {
    out[0] = 1;
    return out;
  }
  const inv = 1 / Math.sqrt(norm);
  v.forEach((x, i) => {
    out[i] = x * inv;
  });
  return out;
}

/** Float32 little-endian bytes, base64: how the embedding is stored and published. */
export function encodeEmbedding(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}

export function decodeEmbedding(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % 4 !== 0) {
    throw new RangeError('embedding bytes are not a whole number of float32 values');
  }
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = bytes.readFloatLE(i * 4);
  }
  return out;
}

export interface SafetyVerdict {
  readonly label: SafetyLabel;
  /** Fixed per rule (a rule classifier has no calibrated probability); in (0, 1]. */
  readonly confidence: number;
  /** Which rule decided (see CLASSIFIER_RULES). */
  readonly rule: string;
}

const UNSAFE_TERMS: ReadonlySet<string> = new Set([
  'nsfw',
  'gore',
  'porn',
  'scam',
  'fraud',
  'terror',
  'terrorist',
  'kill',
  'suicide',
]);
const RISKY_TERMS: ReadonlySet<string> = new Set([
  'conspiracy',
  'hoax',
  'rumor',
  'rumour',
  'leaked',
  'gambling',
  'betting',
]);
/** Topics whose posts attract heated replies (brand-safety "sensitive" categories). */
const SENSITIVE_TOPICS: ReadonlySet<string> = new Set(['politics', 'finance']);
/** Phrases that mark a post as deliberately provocative. */
const PROVOCATIVE_PHRASES: readonly (readonly string[])[] = [
  ['hot', 'take'],
  ['unpopular', 'opinion'],
];

/**
 * The classifier's rules, most risky first; the first that matches decides. Documented here so a
 * label in Redis can always be explained by its `safety_rule`.
 */
export const CLASSIFIER_RULES = [
  { rule: 'unsafe_term', label: 'unsafe', confidence: 0.9, when: 'a term from the unsafe lexicon' },
  { rule: 'risky_term', label: 'medium_risk', confidence: 0.75, when: 'a term from the risky lexicon' },
  {
    rule: 'provocative_sensitive_topic',
    label: 'medium_risk',
    confidence: 0.6,
    when: 'a provocative phrase on a sensitive topic (politics, finance)',
  },
  { rule: 'sensitive_topic', label: 'low_risk', confidence: 0.6, when: 'a sensitive topic' },
  { rule: 'provocative_phrase', label: 'low_risk', confidence: 0.55, when: 'a provocative phrase' },
  { rule: 'no_rule_matched', label: 'safe', confidence: 0.8, when: 'nothing above' },
] as const satisfies readonly (SafetyVerdict & { when: string })[];

type RuleId = (typeof CLASSIFIER_RULES)[number]['rule'];

function verdict(rule: RuleId): SafetyVerdict {
  const r = CLASSIFIER_RULES.find((x) => x.rule === rule)!;
  return { label: r.label, confidence: r.confidence, rule: r.rule };
}

function containsPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((word, k) => tokens[i + k] === word)) {
      return true;
    }
  }
  return false;
}

/** Stand-in safety classifier: the first matching rule of CLASSIFIER_RULES. */
export function classify(content: PostContent): SafetyVerdict {
  const tokens = tokenize(content.text);
  if (tokens.some((t) => UNSAFE_TERMS.has(t))) {
    return verdict('unsafe_term');
  }
  if (tokens.some((t) => RISKY_TERMS.has(t))) {
    return verdict('risky_term');
  }
  const sensitive =
    SENSITIVE_TOPICS.has(content.topic.toLowerCase()) || tokens.some((t) => SENSITIVE_TOPICS.has(t));
  const provocative = PROVOCATIVE_PHRASES.some((p) => containsPhrase(tokens, p));
  if (sensitive && provocative) {
    return verdict('provocative_sensitive_topic');
  }
  if (sensitive) {
    return verdict('sensitive_topic');
  }
  return provocative ? verdict('provocative_phrase') : verdict('no_rule_matched');
}

/** Fingerprint of what the models read (text and topic): equal fingerprints → equal results. */
export function contentHash(content: PostContent): string {
  return createHash('sha256')
    .update(JSON.stringify([content.text, content.topic]))
    .digest('hex')
    .slice(0, 32);
}
