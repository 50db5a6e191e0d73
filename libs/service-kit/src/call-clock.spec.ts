import { grpcBudgetMs } from './call-clock';

describe(grpcBudgetMs.name, () => {
  it('should give the time left until the caller’s deadline, as a Date or ms since epoch', () => {
    expect(grpcBudgetMs(50_100, 50_000, 1000)).toBe(100);
    expect(grpcBudgetMs(new Date(50_010), 50_000, 1000)).toBe(10);
  });

  it('should cap a far or absent deadline at the server budget', () => {
    expect(grpcBudgetMs(90_000, 50_000, 1000)).toBe(1000);
    expect(grpcBudgetMs(Number.POSITIVE_INFINITY, 50_000, 1000)).toBe(1000);
  });

  it('should be negative once the deadline has passed', () => {
    expect(grpcBudgetMs(49_000, 50_000, 1000)).toBe(-1000);
  });
});
