import { z } from 'zod';
import { ConfigError, parseEnv } from './parse-env';

const Schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  MODE: z.enum(['a', 'b']).default('a'),
  ENDPOINT: z.url().optional(),
});

describe(parseEnv.name, () => {
  it('should apply the defaults and read the variables the schema names', () => {
    expect(parseEnv(Schema, {})).toEqual({ PORT: 8080, MODE: 'a' });
    expect(parseEnv(Schema, { PORT: '81', MODE: 'b', OTHER: 'x' })).toEqual({ PORT: 81, MODE: 'b' });
  });

  it('should treat blank values as unset', () => {
    expect(parseEnv(Schema, { PORT: '', MODE: '', ENDPOINT: '' })).toEqual({ PORT: 8080, MODE: 'a' });
  });

  it('should list every invalid variable at once in a ConfigError', () => {
    const error = (() => {
      try {
        parseEnv(Schema, { PORT: '70000', MODE: 'c', ENDPOINT: 'not a url' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ name: 'ConfigError' });
    const message = (error as Error).message;
    expect(message).toMatch(/^invalid configuration: PORT: .+; MODE: .+; ENDPOINT: .+$/);
  });
});
