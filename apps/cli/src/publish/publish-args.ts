import { MAX_POST_EVENT_PARTITIONS } from '@foryou/contracts';
import { z } from 'zod';

/** Argument schemas of `publish-world` (same conventions as ../args.ts: accept the string and the value). */
const number = (what: string) => z.coerce.number({ error: `must be a number (${what})` });
const integerIn = (what: string, min: number, max: number) =>
  number(what)
    .int({ error: `must be a whole number (${what})` })
    .min(min, { error: `must be at least ${min} (${what})` })
    .max(max, { error: `must be at most ${max} (${what})` });

export const FractionArg = number('fraction of events, 0…1')
  .min(0, { error: 'must be between 0 and 1 (fraction of events)' })
  .max(1, { error: 'must be between 0 and 1 (fraction of events)' });
export const PartitionsArg = integerIn('stream partitions', 1, MAX_POST_EVENT_PARTITIONS);
export const WindowArg = integerIn('events', 1, 100_000);
export const BatchArg = integerIn('events per MULTI/EXEC', 1, 100_000);
export const LatenessArg = integerIn('milliseconds of content time', 1000, 7 * 86_400_000);
export const RedisUrlArg = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });
export const PrefixArg = z
  .string()
  .regex(/^[A-Za-z0-9:_-]*$/, { error: 'may only contain letters, digits, ":", "_" and "-"' });
