import { unitMomentsSql, type AnalysisScope, type MetricDefinition } from './analysis';

const scope: AnalysisScope = { experimentKey: "x'; DROP TABLE experiments.exposures; --", arms: ['a', 'b'] };
const favorites: MetricDefinition = { source: 'outcomes', eventTypes: ['favorite'], aggregate: 'count' };

describe(unitMomentsSql.name, () => {
  it('should pass every value as a parameter, never in the SQL text', () => {
    const { text, values } = unitMomentsSql(
      { ...scope, window: { from: new Date(0), to: new Date(1000) } },
      favorites,
      { covariate: "c'x" },
    );
    expect(text).not.toContain('DROP TABLE');
    expect(text).not.toContain("c'x");
    expect(values).toEqual([
      scope.experimentKey,
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:01.000Z',
      ['favorite'],
      "c'x",
    ]);
  });

  it('should use open bounds for a missing window', () => {
    expect(unitMomentsSql(scope, favorites).values.slice(1, 3)).toEqual(['-infinity', 'infinity']);
  });

  it('should only compute the first variant and the exclusion when asked', () => {
    const plain = unitMomentsSql(scope, favorites).text;
    expect(plain).not.toContain('first_variant');
    expect(plain).toContain('false AS excluded');
    const policy = unitMomentsSql(
      { ...scope, armSource: 'first-exposure', multipleExposures: 'exclude' },
      favorites,
    ).text;
    expect(policy).toContain('e.first_variant AS arm');
    expect(policy).toContain('e.multiple AS excluded');
  });

  it('should join the denominator metric for a ratio', () => {
    const { text, values } = unitMomentsSql(scope, favorites, { denominator: { source: 'exposures' } });
    expect(text).toContain('x_m AS (');
    expect(text).toContain('count(DISTINCT coalesce(m.request_id, m.exposure_id))');
    expect(values).toHaveLength(4);
  });
});
