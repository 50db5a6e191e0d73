import { ConfigError, parseEnv } from '@foryou/service-kit';
import { z } from 'zod';

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]*$/, 'REDIS_KEY_PREFIX may only contain letters, digits, ":", "_" and "-"')
    .default('foryou:'),
  THUNDER_ADDRESS: z.string().min(1).default('127.0.0.1:50051'),
  PHOENIX_ADDRESS: z.string().min(1).default('127.0.0.1:50052'),
  WORLD_SCALE: z.enum(['small', 'medium', 'large']).default('medium'),
  WORLD_SEED: z.coerce.number().int().default(42),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().default('home-mixer'),
  CODE_VERSION: z.string().default('0.1.0'),
  FAULT_INJECTION_ENABLED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  EXPERIMENTS_DIR: z.string().min(1).optional(),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  KILL_SWITCH_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});

/** The validated configuration of home-mixer. Built once at boot; nothing else reads process.env. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  /** host:port of Thunder's gRPC server. */
  readonly thunderAddress: string;
  /** host:port of Phoenix's gRPC server. */
  readonly phoenixAddress: string;
  readonly worldScale: 'small' | 'medium' | 'large';
  readonly worldSeed: number;
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string;
  readonly codeVersion: string;
  /** Mounts /v1/admin/faults (drills and alert tests only; never in production). */
  readonly faultInjection: boolean;
  /** Directory of experiment definitions (`*.yaml`); unset = the repository's `experiments/`. */
  readonly experimentsDir: string | undefined;
  /** Bearer token of the admin API (kill switches); unset = the admin API answers 503. */
  readonly adminToken: string | undefined;
  /** Backstop poll of the kill-switch state (a publish normally delivers a kill at once). */
  readonly killSwitchPollMs: number;
}

export { ConfigError };

/** Parses and validates the environment (blank values count as unset); ConfigError lists every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const c = parseEnv(ConfigSchema, env);
  return {
    port: c.PORT,
    host: c.HOST,
    logLevel: c.LOG_LEVEL,
    redisUrl: c.REDIS_URL,
    redisKeyPrefix: c.REDIS_KEY_PREFIX,
    thunderAddress: c.THUNDER_ADDRESS,
    phoenixAddress: c.PHOENIX_ADDRESS,
    worldScale: c.WORLD_SCALE,
    worldSeed: c.WORLD_SEED,
    otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: c.OTEL_SERVICE_NAME,
    codeVersion: c.CODE_VERSION,
    faultInjection: c.FAULT_INJECTION_ENABLED,
    experimentsDir: c.EXPERIMENTS_DIR,
    adminToken: c.ADMIN_TOKEN,
    killSwitchPollMs: c.KILL_SWITCH_POLL_MS,
  };
}
