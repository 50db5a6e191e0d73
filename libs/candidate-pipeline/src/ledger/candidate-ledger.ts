import type { StageKind } from '../stages/stage-kind';
import type { CandidateFate, CandidateRecord, SourceProvenance } from './pipeline-record';

interface MutableEntry {
  id: string;
  sources: SourceProvenance[];
  fieldOrigins: Record<string, string>;
  scoring: Record<string, unknown>;
  /** Copies of this id still moving through the pipeline. */
  live: number;
  duplicatesRemoved: number;
  fate: CandidateFate | null;
}

/**
 * Tracks every candidate id from its sources to its fate. A removal only becomes the id's fate when its
 * last live copy is removed; earlier removals of the same id count as duplicates.
 */
export class CandidateLedger {
  private readonly _entries = new Map<string, MutableEntry>();

  admit(id: string, provenance: SourceProvenance): void {
    const entry = this._entries.get(id);
    if (entry) {
      entry.sources.push(provenance);
      entry.live += 1;
      return;
    }
    this._entries.set(id, {
      id,
      sources: [provenance],
      fieldOrigins: {},
      scoring: {},
      live: 1,
      duplicatesRemoved: 0,
      fate: null,
    });
  }

  /** Records who set `fields`; with `values`, also keeps them as the candidate's scoring explanation. */
  recordFields(
    id: string,
    fields: readonly string[],
    component: string,
    values?: Readonly<Record<string, unknown>>,
  ): void {
    const entry = this._entries.get(id);
    if (entry) {
      for (const f of fields) {
        entry.fieldOrigins[f] = component;
        if (values) {
          entry.scoring[f] = values[f];
        }
      }
    }
  }

  remove(id: string, stage: StageKind, component: string, reason: string, detail?: string): void {
    const entry = this._entries.get(id);
    if (!entry) {
      return;
    }
    entry.live -= 1;
    if (entry.live > 0) {
      entry.duplicatesRemoved += 1;
      return;
    }
    entry.fate = { bucket: 'filtered', stage, component, reason, ...(detail ? { detail } : {}) };
  }

  select(id: string, position: number, reason: string): void {
    this.settle(id, { bucket: 'selected', position, reason });
  }

  notSelect(id: string, reason: string): void {
    this.settle(id, { bucket: 'not_selected', reason });
  }

  /**
   * Final records. An id that never reached a bucket (a runner bug) is reported as not selected with
   * reason `unaccounted` so the gap is visible rather than silent.
   */
  records(): CandidateRecord[] {
    return [...this._entries.values()].map((e) => ({
      id: e.id,
      sources: e.sources,
      fieldOrigins: e.fieldOrigins,
      scoring: e.scoring,
      duplicatesRemoved: e.duplicatesRemoved,
      fate: e.fate ?? { bucket: 'not_selected', reason: 'unaccounted' },
    }));
  }

  private settle(id: string, fate: CandidateFate): void {
    const entry = this._entries.get(id);
    if (entry && entry.fate === null) {
      entry.fate = fate;
    }
  }
}
