import { fmtDuration, fmtInt, fmtNum, fmtP, fmtPct, fmtRange, fmtTime } from './format';

describe('formatting', () => {
  it('should print numbers with significant digits and missing values as a dash', () => {
    expect(fmtNum(0.123456)).toBe('0.1235');
    expect(fmtNum(1234.5678)).toBe('1235');
    expect(fmtNum(2.5e-7)).toBe('2.50e-7');
    expect(fmtNum(null)).toBe('—');
    expect(fmtInt(1234567.4)).toBe('1,234,567');
  });

  it('should sign percentages and keep small p-values readable', () => {
    expect(fmtPct(0.0523)).toBe('+5.23%');
    expect(fmtPct(-0.1)).toBe('-10.00%');
    expect(fmtP(0.04321)).toBe('0.0432');
    expect(fmtP(2.1e-7)).toBe('2.1e-7');
    expect(fmtRange([0.01, null], (x) => fmtPct(x))).toBe('[+1.00%, —]');
  });

  it('should print times and durations', () => {
    expect(fmtTime('2026-03-02T14:05:59.000Z')).toBe('2026-03-02 14:05 UTC');
    expect(fmtDuration(850)).toBe('850 ms');
    expect(fmtDuration(12_340)).toBe('12.3 s');
    expect(fmtDuration(245_000)).toBe('4 min 05 s');
  });
});
