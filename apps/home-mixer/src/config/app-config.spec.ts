import { ConfigError, loadConfig } from './app-config';

describe(loadConfig.name, () => {
  it('should treat blank variables as unset, like the other services', () => {
    // `export OTEL_EXPORTER_OTLP_ENDPOINT=` used to stop home-mixer from starting.
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', PORT: '', REDIS_KEY_PREFIX: '' });
    expect(config).toMatchObject({ otlpEndpoint: undefined, port: 8080, redisKeyPrefix: 'foryou:' });
  });

  it('should name every invalid variable', () => {
    expect(() => loadConfig({ PORT: '99999', WORLD_SCALE: 'huge' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '99999', WORLD_SCALE: 'huge' })).toThrow(/PORT: .*; WORLD_SCALE: /);
  });
});
