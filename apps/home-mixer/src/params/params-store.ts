import { Injectable } from '@nestjs/common';
import { DEFAULT_PARAMS } from './default-params';
import type { FeedParams, ParamsSnapshot } from './feed-params';

/**
 * Holds the current params. `snapshot()` returns an immutable, versioned object: the QueryBuilder takes
 * one per request, and later `update` calls create a new version without touching earlier snapshots.
 */
@Injectable()
export class ParamsStore {
  private _current: ParamsSnapshot = freezeSnapshot({ version: 'v1', values: DEFAULT_PARAMS });
  private _generation = 1;

  snapshot(): ParamsSnapshot {
    return this._current;
  }

  /** Replaces params with `change(current)` under a new version (`v<n>`). */
  update(change: (current: FeedParams) => FeedParams): ParamsSnapshot {
    this._generation += 1;
    this._current = freezeSnapshot({ version: `v${this._generation}`, values: change(this._current.values) });
    return this._current;
  }
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
