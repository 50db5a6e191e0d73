import type { MonotonicClock } from '@foryou/service-kit';
import { CallBudget } from './call-budget';
import { PhoenixError } from '../errors/phoenix-error';

class FakeClock implements MonotonicClock {
  t = 1000;
  now(): number {
    return this.t;
  }
}

const base = { wallNowMs: 50_000, maxBudgetMs: 1000, reserveMs: 5, yieldToLoop: () => Promise.resolve() };

describe('CallBudget', () => {
  it('stops reserveMs before the caller deadline', () => {
    const clock = new FakeClock();
    const budget = CallBudget.fromDeadline({ ...base, clock, deadline: 50_100, cancelled: () => false });
    expect(budget.remainingMs()).toBe(95);
    clock.t += 94;
    expect(budget.expired()).toBe(false);
    clock.t += 1;
    expect(budget.expired()).toBe(true);
    expect(() => budget.assertTimeLeft()).toThrow(PhoenixError);
  });

  it('caps a far (or absent) deadline at the server budget', () => {
    const clock = new FakeClock();
    const none = CallBudget.fromDeadline({
      ...base,
      clock,
      deadline: Number.POSITIVE_INFINITY,
      cancelled: () => false,
    });
    expect(none.remainingMs()).toBe(995);
    const date = CallBudget.fromDeadline({
      ...base,
      clock,
      deadline: new Date(50_010),
      cancelled: () => false,
    });
    expect(date.remainingMs()).toBe(5);
  });

  it('a deadline already past is DEADLINE_EXCEEDED before any work', () => {
    const budget = CallBudget.fromDeadline({
      ...base,
      clock: new FakeClock(),
      deadline: 49_000,
      cancelled: () => false,
    });
    expect(() => budget.assertTimeLeft()).toThrow('the deadline leaves no time to answer');
  });

  it('a cancelled call throws CANCELLED at the next checkpoint', async () => {
    let cancelled = false;
    const budget = CallBudget.fromDeadline({
      ...base,
      clock: new FakeClock(),
      deadline: 60_000,
      cancelled: () => cancelled,
    });
    await expect(budget.checkpoint()).resolves.toBeUndefined();
    cancelled = true;
    await expect(budget.checkpoint()).rejects.toMatchObject({ code: 'cancelled' });
  });
});
