import { FEED_PARAMS_OVERRIDES_SCHEMA } from './params-overrides-schema';
import { ParamsStore } from './params-store';

describe('ParamsStore.withOverrides', () => {
  it('derives a frozen, deterministically versioned snapshot and leaves the base untouched', () => {
    const store = new ParamsStore();
    const base = store.snapshot();
    const on = { recentEngagedAuthors: { enabled: true, ratio: 0.2 } };
    const derived = store.withOverrides(base, on);
    expect(derived.values.recentEngagedAuthors).toMatchObject({
      enabled: true,
      ratio: 0.2,
      candidateLimit: 50,
    });
    expect(base.values.recentEngagedAuthors.enabled).toBe(false);
    expect(derived.version).toMatch(/^v1\+[0-9a-f]{8}$/);
    expect(Object.isFrozen(derived.values.recentEngagedAuthors)).toBe(true);
    // key order does not matter; other overrides get another version; none returns the base itself
    expect(store.withOverrides(base, { recentEngagedAuthors: { ratio: 0.2, enabled: true } })).toBe(derived);
    expect(store.withOverrides(base, { recentEngagedAuthors: { enabled: true } }).version).not.toBe(
      derived.version,
    );
    expect(store.withOverrides(base, {})).toBe(base);
    // a params update starts a new base version
    const next = store.update((v) => ({ ...v, scoredPostsSize: 40 }));
    expect(store.withOverrides(next, on).version).toMatch(/^v2\+/);
  });
});

describe('FEED_PARAMS_OVERRIDES_SCHEMA', () => {
  it('accepts partial overrides of existing params and rejects unknown paths and wrong types', () => {
    expect(FEED_PARAMS_OVERRIDES_SCHEMA.safeParse({ recentEngagedAuthors: { enabled: true } }).success).toBe(
      true,
    );
    expect(FEED_PARAMS_OVERRIDES_SCHEMA.safeParse({ ranking: { weights: { reply: 4 } } }).success).toBe(true);
    expect(FEED_PARAMS_OVERRIDES_SCHEMA.safeParse({ recentEngagedAuthors: { enable: true } }).success).toBe(
      false,
    );
    expect(FEED_PARAMS_OVERRIDES_SCHEMA.safeParse({ recentEngagedAuthors: { enabled: 'yes' } }).success).toBe(
      false,
    );
    expect(FEED_PARAMS_OVERRIDES_SCHEMA.safeParse({ requestBudgetMs: Number.NaN }).success).toBe(false);
  });
});
