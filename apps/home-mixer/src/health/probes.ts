import type { Redis } from 'ioredis';
import type { DependencyProbe } from './dependency-probe';

/** Redis holds served history and the candidate cache: required. */
export function redisProbe(redis: Redis): DependencyProbe {
  return {
    name: 'redis',
    required: true,
    check: () =>
      redis.ping().then(
        (r: string) => (r === 'PONG' ? 'ok' : `unexpected reply ${r}`),
        (err: Error) => `unreachable: ${err.message}`,
      ),
  };
}

/** A gRPC dependency reported by channel state (READY / IDLE are fine: IDLE connects on first use). */
export function grpcProbe(name: string, state: () => string): DependencyProbe {
  return {
    name,
    required: false,
    check: () => {
      const s = state();
      return Promise.resolve(s === 'READY' || s === 'IDLE' ? 'ok' : `channel ${s}`);
    },
  };
}
