import { EligibilitySchema, TriggerSchema } from './definition';
import { failedEligibility } from './eligibility';
import { CONTEXT } from './testing/fixtures';
import { evaluateTrigger } from './trigger';

const DAY = 86_400_000;

describe('failedEligibility', () => {
  const e = EligibilitySchema.parse({ min_account_age_days: 7, max_account_age_days: 365 });
  it('is empty for an empty predicate set', () => {
    expect(
      failedEligibility(EligibilitySchema.parse({}), {
        ...CONTEXT,
        viewerKnown: false,
        accountCreatedAtMs: null,
      }),
    ).toEqual([]);
  });
  it('bounds the account age: min inclusive, max exclusive', () => {
    const at = (days: number) =>
      failedEligibility(e, { ...CONTEXT, accountCreatedAtMs: CONTEXT.nowMs - days * DAY });
    expect(at(7)).toEqual([]);
    expect(at(6.99)).toEqual(['min_account_age_days']);
    expect(at(364.9)).toEqual([]);
    expect(at(365)).toEqual(['max_account_age_days']);
  });
});

describe('evaluateTrigger', () => {
  const t = TriggerSchema.parse({ out_of_network_supply_below: 100, min_recent_engaged_authors: 1 });
  it('needs every predicate to hold', () => {
    expect(evaluateTrigger(t, { outOfNetworkSupply: 99, recentEngagedAuthors: 1 })).toBe(true);
    expect(evaluateTrigger(t, { outOfNetworkSupply: 100, recentEngagedAuthors: 3 })).toBe(false);
    expect(evaluateTrigger(t, { outOfNetworkSupply: 0, recentEngagedAuthors: 0 })).toBe(false);
  });
  it('treats a signal that was not computed as not triggered', () => {
    expect(evaluateTrigger(t, { outOfNetworkSupply: null, recentEngagedAuthors: 5 })).toBe(false);
    expect(evaluateTrigger(t, { outOfNetworkSupply: 3, recentEngagedAuthors: null })).toBe(false);
  });
  it('`always` triggers every request', () => {
    expect(
      evaluateTrigger(TriggerSchema.parse({ always: true }), {
        outOfNetworkSupply: null,
        recentEngagedAuthors: null,
      }),
    ).toBe(true);
  });
});
