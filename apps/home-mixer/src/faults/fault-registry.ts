import type { Adapters } from '../adapters';
import { withFaults, type FaultMode } from './fault-injection';

export type AdapterName = keyof Adapters;

/**
 * Switchable faults per adapter, for drills and alert tests. Only wired in when FAULT_INJECTION_ENABLED
 * is set; otherwise adapters are used unwrapped and this class is never constructed.
 */
export class FaultRegistry {
  private readonly _modes = new Map<AdapterName, FaultMode>();

  constructor(readonly names: readonly AdapterName[]) {}

  set(name: AdapterName, mode: FaultMode): void {
    if (mode === 'ok') {
      this._modes.delete(name);
    } else {
      this._modes.set(name, mode);
    }
  }

  clear(): void {
    this._modes.clear();
  }

  modes(): Record<string, FaultMode> {
    return Object.fromEntries(this.names.map((n) => [n, this._modes.get(n) ?? 'ok']));
  }

  /** Every adapter wrapped so that its calls obey the currently switched mode. */
  wrap(adapters: Adapters): Adapters {
    const wrapped = { ...adapters } as Record<AdapterName, unknown>;
    for (const name of this.names) {
      wrapped[name] = withFaults(adapters[name], () => this._modes.get(name) ?? 'ok');
    }
    return wrapped as unknown as Adapters;
  }
}
