import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { applyParamOverrides, type ParamOverrides } from '@foryou/experiments';
import { DEFAULT_PARAMS } from './default-params';
import type { FeedParams, ParamsSnapshot } from './feed-params';

/** Distinct (base version, overrides) snapshots kept; experiments produce a handful per params version. */
const MAX_DERIVED_SNAPSHOTS = 256;

/**
 * Holds the current params. `snapshot()` returns an immutable, versioned object: the QueryBuilder takes
 * one per request, and later `update` calls create a new version without touching earlier snapshots.
 * `withOverrides` derives the snapshot a request in experiment variants sees (`<base>+<hash>`).
 */
@Injectable()
export class ParamsStore {
  private _current: ParamsSnapshot = freezeSnapshot({ version: 'v1', values: DEFAULT_PARAMS });
  private _generation = 1;
  private readonly _derived = new Map<string, ParamsSnapshot>();

  snapshot(): ParamsSnapshot {
    return this._current;
  }

  /** Replaces params with `change(current)` under a new version (`v<n>`). */
  update(change: (current: FeedParams) => FeedParams): ParamsSnapshot {
    this._generation += 1;
    this._current = freezeSnapshot({ version: `v${this._generation}`, values: change(this._current.values) });
    this._derived.clear();
    return this._current;
  }

  /**
   * `base` with experiment overrides applied, frozen, versioned `<base.version>+<8 hex of the overrides>`
   * (the same overrides always give the same version). No overrides → `base` itself.
   */
  withOverrides(base: ParamsSnapshot, overrides: ParamOverrides): ParamsSnapshot {
    if (Object.keys(overrides).length === 0) {
      return base;
    }
    const canonical = canonicalJson(overrides);
    const version = `${base.version}+${createHash('sha256').update(canonical).digest('hex').slice(0, 8)}`;
    let derived = this._derived.get(version);
    if (!derived) {
      derived = freezeSnapshot({ version, values: applyParamOverrides(base.values, overrides) });
      if (this._derived.size >= MAX_DERIVED_SNAPSHOTS) {
        this._derived.clear();
      }
      this._derived.set(version, derived);
    }
    return derived;
  }
}

function canonicalJson(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function freezeSnapshot(snapshot: ParamsSnapshot): ParamsSnapshot {
  return deepFreeze(structuredClone(snapshot));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      deepFreeze(v);
    }
    Object.freeze(value);
  }
  return value;
}
