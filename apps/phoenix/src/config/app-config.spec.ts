import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      host: '0.0.0.0',
      httpPort: 8082,
      grpcPort: 50052,
      logLevel: 'info',
      world: { scale: 'medium', seed: 42 },
      artifacts: { dir: '.cache/phoenix', trainIfMissing: true },
      serving: { maxConcurrentRequests: 64, requestTimeoutMs: 1000, deadlineReserveMs: 5 },
      otlpEndpoint: undefined,
      serviceName: 'phoenix',
      codeVersion: '0.1.0',
    });
  });

  it('reads every variable; "false" and "0" turn training off (not a truthy string)', () => {
    const c = loadConfig({
      PHOENIX_HTTP_PORT: '0',
      PHOENIX_GRPC_PORT: '0',
      WORLD_SCALE: 'small',
      WORLD_SEED: '7',
      PHOENIX_ARTIFACT_DIR: '/tmp/a',
      PHOENIX_TRAIN_IF_MISSING: 'false',
      PHOENIX_MAX_CONCURRENT_REQUESTS: '1',
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    });
    expect(c).toMatchObject({
      httpPort: 0,
      grpcPort: 0,
      world: { scale: 'small', seed: 7 },
      artifacts: { dir: '/tmp/a', trainIfMissing: false },
      serving: { maxConcurrentRequests: 1 },
      logLevel: 'warn',
      otlpEndpoint: 'http://127.0.0.1:4318',
    });
    expect(loadConfig({ PHOENIX_TRAIN_IF_MISSING: '0' }).artifacts.trainIfMissing).toBe(false);
    expect(loadConfig({ PHOENIX_TRAIN_IF_MISSING: '' }).artifacts.trainIfMissing).toBe(true);
  });

  it('lists every bad variable at once', () => {
    const error = (() => {
      try {
        loadConfig({
          PHOENIX_GRPC_PORT: '70000',
          WORLD_SCALE: 'huge',
          PHOENIX_TRAIN_IF_MISSING: 'yes',
          PHOENIX_MAX_CONCURRENT_REQUESTS: '0',
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of [
      'PHOENIX_GRPC_PORT',
      'WORLD_SCALE',
      'PHOENIX_TRAIN_IF_MISSING',
      'PHOENIX_MAX_CONCURRENT_REQUESTS',
    ]) {
      expect(message).toContain(name);
    }
  });
});
