import { aaDefinition } from './testing/fixtures';
import { resaltDefinition, runSalt, streamSeed } from './salt';

describe('re-salting', () => {
  const definition = aaDefinition();

  it('changes only the variant seed, to <seed>/<salt>', () => {
    const salted = resaltDefinition(definition, 'r7');
    expect(salted.seed).toBe('sim-aa-seed/r7');
    expect({ ...salted, seed: definition.seed }).toEqual(definition);
    expect(definition.seed).toBe('sim-aa-seed'); // not mutated
  });

  it('refuses empty salts and salts containing the separator', () => {
    expect(() => resaltDefinition(definition, '')).toThrow(RangeError);
    expect(() => resaltDefinition(definition, 'a/b')).toThrow(/must not contain/);
  });

  it('derives stream seeds deterministically and separately per stream, salt and unit', () => {
    expect(streamSeed('impressions', 's1')).toBe(streamSeed('impressions', 's1'));
    const seeds = [
      streamSeed('impressions', 's1'),
      streamSeed('impressions', 's2'),
      streamSeed('planted', 's1'),
      streamSeed('planted', 's1', 'u1'),
      streamSeed('planted', 's1', 'u2'),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    seeds.forEach((s) => expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true));
  });

  it('names run salts <prefix>-<i>', () => {
    expect(runSalt('sim-aa', 3)).toBe('sim-aa-3');
  });
});
