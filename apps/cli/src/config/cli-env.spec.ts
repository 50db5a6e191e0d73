import { DEFAULT_REDIS_URL, readCliEnv } from './cli-env';

describe('readCliEnv', () => {
  it('defaults', () => {
    expect(readCliEnv({}, true)).toEqual({
      redisUrl: DEFAULT_REDIS_URL,
      otlpEndpoint: undefined,
      demoLogLevel: 'warn',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/foryou',
      adminToken: undefined,
      interactive: true,
      inherited: {},
    });
  });

  it('reads DATABASE_URL and FORYOU_ADMIN_TOKEN, rejecting a non-postgres URL and a short token', () => {
    expect(
      readCliEnv({ DATABASE_URL: 'postgresql://u@db:5432/x', FORYOU_ADMIN_TOKEN: 'a'.repeat(16) }, true),
    ).toMatchObject({ databaseUrl: 'postgresql://u@db:5432/x', adminToken: 'a'.repeat(16) });
    expect(() => readCliEnv({ DATABASE_URL: 'mysql://db/x' }, true)).toThrow('DATABASE_URL');
    expect(() => readCliEnv({ FORYOU_ADMIN_TOKEN: 'short' }, true)).toThrow('FORYOU_ADMIN_TOKEN');
  });

  it('reads REDIS_URL, the OTLP endpoint and LOG_LEVEL; blank means unset', () => {
    expect(
      readCliEnv(
        {
          REDIS_URL: 'redis://redis:6379/2',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
          LOG_LEVEL: 'info',
        },
        true,
      ),
    ).toMatchObject({
      redisUrl: 'redis://redis:6379/2',
      otlpEndpoint: 'http://jaeger:4318',
      demoLogLevel: 'info',
    });
    expect(readCliEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, true).otlpEndpoint).toBeUndefined();
  });

  it('is not interactive in CI or without a terminal', () => {
    expect(readCliEnv({ CI: 'true' }, true).interactive).toBe(false);
    expect(readCliEnv({ CI: 'false' }, true).interactive).toBe(true);
    expect(readCliEnv({}, false).interactive).toBe(false);
    expect(readCliEnv({}, undefined).interactive).toBe(false);
  });

  it('rejects malformed values with a message naming the variable', () => {
    expect(() => readCliEnv({ REDIS_URL: 'localhost:6379' }, true)).toThrow(/REDIS_URL must be a redis:\/\//);
    expect(() => readCliEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://x:4317' }, true)).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    );
  });
});
