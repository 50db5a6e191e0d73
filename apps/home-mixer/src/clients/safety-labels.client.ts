import { ok, present, type FieldResult, type Result } from '@foryou/candidate-pipeline';
import type { SafetyLabel, World } from '@foryou/world';

/** Safety labels by post id, each with an explicit state (the visibility-filtering role). */
export interface SafetyLabelsClient {
  labels(
    postIds: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<ReadonlyMap<string, FieldResult<SafetyLabel>>>>;
}

export class WorldSafetyLabelsClient implements SafetyLabelsClient {
  constructor(private readonly _world: World) {}

  labels(postIds: readonly string[]): Promise<Result<ReadonlyMap<string, FieldResult<SafetyLabel>>>> {
    const out = new Map<string, FieldResult<SafetyLabel>>();
    for (const id of postIds) {
      const lookup = this._world.safetyLabel(id);
      switch (lookup.state) {
        case 'present':
          out.set(id, present(lookup.label));
          break;
        case 'not_found':
          out.set(id, { state: 'not_found' });
          break;
        case 'dependency_error':
          out.set(id, { state: 'dependency_error', reason: lookup.reason });
          break;
      }
    }
    return Promise.resolve(ok(out));
  }
}
