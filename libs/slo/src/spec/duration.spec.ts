import { divideDuration, formatDuration, parseDuration } from './duration';

describe('durations', () => {
  it('should parse one integer and one unit', () => {
    expect([parseDuration('5m'), parseDuration('1h'), parseDuration('3d'), parseDuration('30s')]).toEqual([
      300, 3600, 259_200, 30,
    ]);
    expect(() => parseDuration('1h30m')).toThrow('invalid duration');
    expect(() => parseDuration('1.5h')).toThrow('invalid duration');
  });

  it('should format with the largest exact unit', () => {
    expect([formatDuration(300), formatDuration(86_400), formatDuration(90), formatDuration(5)]).toEqual([
      '5m',
      '1d',
      '90s',
      '5s',
    ]);
  });

  it('should divide windows for drills and refuse fractions of a second', () => {
    expect(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => divideDuration(w, 60))).toEqual([
      '5s',
      '30s',
      '1m',
      '2m',
      '6m',
      '24m',
      '72m',
      '12h',
    ]);
    expect(() => divideDuration('5m', 7)).toThrow('not a whole number');
  });
});
