import { fail } from '@foryou/candidate-pipeline';

/** How an injected dependency misbehaves on a call. */
export type FaultMode = 'ok' | 'error' | 'hang' | 'throw';

export const FAULT_MODES: readonly FaultMode[] = ['ok', 'error', 'hang', 'throw'];

/**
 * Wraps every async method of `target` so that `modeOf(method)` decides per call whether it works,
 * returns a typed failure, never settles (only a deadline ends it) or throws (a bug in the client).
 */
export function withFaults<T extends object>(target: T, modeOf: (method: string) => FaultMode): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') {
        return value;
      }
      return (...args: unknown[]): unknown => {
        switch (modeOf(prop)) {
          case 'ok':
            return (value as (...a: unknown[]) => unknown).apply(obj, args);
          case 'error':
            return Promise.resolve(fail('dependency_unavailable', `injected fault in ${prop}`));
          case 'hang':
            return new Promise(() => undefined);
          case 'throw':
            return Promise.reject(new Error(`injected exception in ${prop}`));
        }
      };
    },
  });
}
