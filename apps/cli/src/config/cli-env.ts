import { z } from 'zod';
import { DEFAULT_DATABASE_URL } from '../experiments-database';

/** The environment the CLI reads, validated once (DESIGN.md §8: only config/ reads process.env). */
export interface CliEnv {
  /** Passed to home-mixer by `demo`. */
  readonly redisUrl: string;
  /** Where home-mixer exports OTLP traces, if anywhere. */
  readonly otlpEndpoint: string | undefined;
  /** LOG_LEVEL for the demo's home-mixer (default warn, so its log stays short). */
  readonly demoLogLevel: string;
  /** The experiments database (`DATABASE_URL`): the demo's workers write exposures and outcomes there. */
  readonly databaseUrl: string;
  /** Bearer token of home-mixer's admin API (`FORYOU_ADMIN_TOKEN`); the demo makes one up when unset. */
  readonly adminToken: string | undefined;
  /** Draw progress bars (stderr is a terminal and CI is not set). */
  readonly interactive: boolean;
  /** The whole environment, for child processes to inherit. */
  readonly inherited: NodeJS.ProcessEnv;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const EnvSchema = z.object({
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' })
    .default(DEFAULT_REDIS_URL),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
    .optional(),
  // Passed through as is; home-mixer validates its own log level.
  LOG_LEVEL: z.string().default('warn'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'DATABASE_URL must be a postgres:// URL' })
    .default(DEFAULT_DATABASE_URL),
  FORYOU_ADMIN_TOKEN: z.string().min(16, 'FORYOU_ADMIN_TOKEN must be at least 16 characters').optional(),
  CI: z.string().optional(),
});

const blankToUndefined = (env: NodeJS.ProcessEnv): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));

export function readCliEnv(env: NodeJS.ProcessEnv = process.env, stderrIsTty = process.stderr.isTTY): CliEnv {
  const parsed = EnvSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  }
  const ci = parsed.data.CI !== undefined && parsed.data.CI !== 'false' && parsed.data.CI !== '0';
  return {
    redisUrl: parsed.data.REDIS_URL,
    otlpEndpoint: parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT,
    demoLogLevel: parsed.data.LOG_LEVEL,
    databaseUrl: parsed.data.DATABASE_URL,
    adminToken: parsed.data.FORYOU_ADMIN_TOKEN,
    interactive: stderrIsTty === true && !ci,
    inherited: { ...env },
  };
}
