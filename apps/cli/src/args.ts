import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { CliError } from './io';

/**
 * Command-line argument schemas. Each schema accepts the raw string from the command line *and* its
 * own output (so the parsed options object can be validated again as a whole), and its error message
 * is what the user sees: `error: option '--rate <rps>' argument 'abc' is invalid. <message>`.
 */

const number = (what: string) => z.coerce.number({ error: `must be a number (${what})` });

const integerIn = (what: string, min: number, max: number) =>
  number(what)
    .int({ error: `must be a whole number (${what})` })
    .min(min, { error: `must be at least ${min} (${what})` })
    .max(max, { error: `must be at most ${max} (${what})` });

export const WORLD_SCALES = ['small', 'medium', 'large'] as const;
export type WorldScale = (typeof WORLD_SCALES)[number];

export const ScaleArg = z.enum(WORLD_SCALES, { error: `must be one of ${WORLD_SCALES.join(', ')}` });
export const SeedArg = integerIn('world seed', 0, 2 ** 31 - 1);
export const PortArg = integerIn('TCP port', 1, 65_535);
export const RequestsArg = integerIn('number of requests', 1, 10_000_000);
export const ConcurrencyArg = integerIn('requests in flight', 1, 1_024);
export const ViewersArg = integerIn('synthetic viewers u0…u<N-1>', 1, 1_000_000);
export const LimitArg = integerIn('items per feed', 1, 200);
export const RateArg = number('requests per second')
  .gt(0, { error: 'must be greater than 0 (requests per second)' })
  .max(100_000, { error: 'must be at most 100000 (requests per second)' });
export const DurationArg = number('seconds')
  .gt(0, { error: 'must be greater than 0 (seconds)' })
  .max(86_400, { error: 'must be at most 86400 (seconds)' });
export const TimeoutMsArg = integerIn('milliseconds', 1, 600_000);
export const ErrorRateArg = number('fraction of requests, 0…1')
  .min(0, { error: 'must be between 0 and 1 (fraction of requests)' })
  .max(1, { error: 'must be between 0 and 1 (fraction of requests)' });

/** Whether the traffic driver simulates the viewers' engagement and POSTs it (`on`) or only reads feeds. */
export const EngagementArg = z.enum(['on', 'off'], { error: 'must be on or off' });

/** An http(s) base URL without credentials, query or fragment; normalised (`href`, trailing `/`). */
export const TargetUrlArg = z.string().transform((value, ctx) => {
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const absolute = 'must be an absolute http(s) URL such as http://127.0.0.1:8080';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return fail(absolute); // e.g. `localhost:8080`, which URL would read as scheme `localhost:`
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(absolute);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(`must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username !== '' || url.password !== '') {
    return fail('must not contain credentials');
  }
  if (url.search !== '' || url.hash !== '') {
    return fail('must not contain a query string or fragment');
  }
  if (!url.pathname.endsWith('/')) {
    url.pathname = `${url.pathname}/`;
  }
  return url.href;
});

/** Turns a schema into a commander option parser that reports the schema's message. */
export function argParser<T>(schema: z.ZodType<T, unknown>): (value: string) => T {
  return (value: string): T => {
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'invalid value');
    }
    return result.data;
  };
}

/** Validates a whole options object (after commander); a CliError names the offending option. */
export function parseOptions<T>(schema: z.ZodType<T, unknown>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const option = issue?.path.map((p) => `--${String(p).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new CliError(`${option?.join(' ') ?? 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
