import { MAX_POST_EVENT_PARTITIONS } from '@foryou/contracts';
import { ConfigError, loadConfig, MAX_PARTITIONS } from './app-config';

describe(loadConfig.name, () => {
  it('should apply the documented defaults', () => {
    const c = loadConfig({});

    expect(c).toMatchObject({
      httpPort: 8081,
      grpcPort: 50051,
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: 'foryou:',
      ingest: { consumerGroup: 'thunder', readyMaxLag: 500 },
      store: { partitions: 8, retentionMs: 172_800_000, allowedLatenessMs: 3_600_000 },
      snapshot: { dir: '.cache/thunder', intervalMs: 60_000 },
      serving: { maxConcurrentRequests: 64 },
      otlpEndpoint: undefined,
    });
  });

  it('should read overrides and treat blank values as unset', () => {
    const c = loadConfig({
      THUNDER_PARTITIONS: '4',
      THUNDER_SNAPSHOT_INTERVAL_S: '0.25',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      REDIS_KEY_PREFIX: 'test:x:',
    });

    expect([c.store.partitions, c.snapshot.intervalMs, c.otlpEndpoint, c.redisKeyPrefix]).toEqual([
      4,
      250,
      undefined,
      'test:x:',
    ]);
  });

  it('should allow exactly the partition counts the event contract allows', () => {
    expect(MAX_PARTITIONS).toBe(MAX_POST_EVENT_PARTITIONS);
    expect(loadConfig({ THUNDER_PARTITIONS: String(MAX_PARTITIONS) }).store.partitions).toBe(MAX_PARTITIONS);
    expect(() => loadConfig({ THUNDER_PARTITIONS: String(MAX_PARTITIONS + 1) })).toThrow(ConfigError);
  });

  it('should list every invalid variable at once', () => {
    const attempt = () =>
      loadConfig({ THUNDER_PARTITIONS: '0', REDIS_URL: 'http://x', THUNDER_MAX_CONCURRENT_REQUESTS: 'many' });

    expect(attempt).toThrow(ConfigError);
    for (const name of ['THUNDER_PARTITIONS', 'REDIS_URL', 'THUNDER_MAX_CONCURRENT_REQUESTS']) {
      expect(attempt).toThrow(name);
    }
  });
});
