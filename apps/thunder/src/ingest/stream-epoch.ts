import { randomUUID } from 'node:crypto';
import { postEventEpochKey } from '@foryou/contracts';
import type { Redis } from 'ioredis';

/**
 * The streams' current epoch: created (SET NX) if no one wrote one yet, so a later `--reset` by the
 * publisher, which writes a new one, is always detectable.
 */
export async function readOrInitEpoch(redis: Redis, prefix: string): Promise<string> {
  const key = postEventEpochKey(prefix);
  await redis.call('SET', key, randomUUID(), 'NX');
  const epoch = await redis.call('GET', key);
  if (typeof epoch !== 'string') {
    throw new Error(`stream epoch ${key} vanished`);
  }
  return epoch;
}
