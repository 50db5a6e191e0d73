import { type SearchBudget, UNBOUNDED } from '@foryou/phoenix-model';
import { actionHistory, FIXTURE } from '@foryou/world';
import { smallRuntime } from '../testing/small-runtime';
import { RANK_LIMITS, RankingService } from './ranking.service';

describe('RankingService', () => {
  let service: RankingService;
  let sequence: { postId: string; action: string; atMs: number }[];
  let ids: string[];

  beforeAll(async () => {
    const { world, runtime } = await smallRuntime();
    service = new RankingService(runtime);
    sequence = actionHistory(world).recent(FIXTURE.viewerId, 32, world.nowMs);
    ids = world.postList.slice(0, 600).map((p) => p.id);
  });

  it('answers every candidate in request order and counts the unscored (NaN) ones', async () => {
    const candidates = [
      { postId: ids[1]!, inNetwork: false },
      { postId: 'missing', inNetwork: false },
      { postId: ids[0]!, inNetwork: true },
    ];
    const res = await service.rank({ sequence, candidates }, UNBOUNDED);
    expect(res.predictions).toHaveLength(3);
    expect(res.unscored).toBe(1);
    expect(Object.values(res.predictions[1]!).every(Number.isNaN)).toBe(true);
    const alone = await service.rank({ sequence, candidates: [candidates[2]!] }, UNBOUNDED);
    expect(alone.predictions[0]).toEqual(res.predictions[2]);
  });

  it('scores across chunks and yields between them; out of time is DEADLINE_EXCEEDED, never a partial list', async () => {
    const candidates = ids.map((postId) => ({ postId, inNetwork: false }));
    let checkpoints = 0;
    const counting: SearchBudget = {
      expired: () => false,
      checkpoint: () => {
        checkpoints += 1;
        return Promise.resolve();
      },
    };
    expect((await service.rank({ sequence, candidates }, counting)).predictions).toHaveLength(600);
    expect(checkpoints).toBe(2); // 600 candidates = 3 chunks of 256
    let left = 1;
    const runsOut: SearchBudget = { expired: () => left-- <= 0 };
    await expect(service.rank({ sequence, candidates }, runsOut)).rejects.toMatchObject({
      code: 'deadline_exceeded',
    });
  });

  it('too many candidates is INVALID_ARGUMENT', async () => {
    const candidates = Array.from({ length: RANK_LIMITS.maxCandidates + 1 }, () => ({
      postId: ids[0]!,
      inNetwork: false,
    }));
    await expect(service.rank({ sequence, candidates }, UNBOUNDED)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
