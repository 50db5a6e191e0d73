import { FakeClock, PipelineRunner, type PipelineResult } from '@foryou/candidate-pipeline';
import { generateWorld, type World } from '@foryou/world';
import type { Adapters } from '../adapters';
import { Experiments } from '../experiments/experiments';
import { ParamsStore } from '../params/params-store';
import type { FeedCandidate } from '../pipeline/candidate/post-candidate';
import { forYouPipeline } from '../pipeline/for-you.pipeline';
import type { ForYouQuery } from '../query/for-you-query';
import { QueryBuilder } from '../query/query-builder';
import { HomeMixerMetrics } from '../telemetry/metrics';
import { FeedClock } from '../world/feed-clock';
import { seedWorldState } from '../world/world-seeder';
import { worldAdapters } from './world-adapters';

let cachedSmallWorld: World | undefined;

/** Wall time the harness runs at (any fixed instant works; the world is anchored to it). */
export const FIXED_WALL_MS = Date.UTC(2026, 10, 22, 12);

/** The small world, generated once per test process. */
export function smallWorld(): World {
  cachedSmallWorld ??= generateWorld({ seed: 42, scale: 'small' });
  return cachedSmallWorld;
}

/** World-backed adapters with in-memory state, seeded like production. */
export async function inMemoryAdapters(world: World): Promise<Adapters> {
  const adapters = worldAdapters(world);
  await seedWorldState(world, adapters, new FeedClock(world.nowMs, () => FIXED_WALL_MS), 500);
  return adapters;
}

/**
 * Runs the For You pipeline on a fake clock: time advances in small steps only while the run is
 * pending, so hanging dependencies end exactly at their deadlines and no test sleeps.
 */
export async function runForYou(
  world: World,
  adapters: Adapters,
  request: { viewerId: string; limit?: number; debug?: boolean },
  params: ParamsStore = new ParamsStore(),
  experiments: Experiments = new Experiments({ definitions: [], metrics: new HomeMixerMetrics() }),
): Promise<PipelineResult<ForYouQuery, FeedCandidate>> {
  const clock = new FakeClock(0);
  const feedClock = new FeedClock(world.nowMs, () => FIXED_WALL_MS);
  const runner = new PipelineRunner({ clock });
  const builder = new QueryBuilder(
    params,
    adapters.users,
    {
      code: 'test',
      schema: 'test',
      model: 'unscored',
      corpus: world.version,
      cache_key: 'test',
    },
    clock,
    feedClock,
    experiments,
  );
  const { query, deadline } = builder.build(
    {
      query: { viewer_id: request.viewerId, limit: String(request.limit ?? 20) },
      requestIdHeader: undefined,
      debug: request.debug ?? false,
    },
    'req-test-0001',
  );
  let done = false;
  const running = runner
    .run(forYouPipeline({ runner, ...adapters }), query, {
      deadline,
      reserveMs: query.params.values.reserveMs,
    })
    .finally(() => {
      done = true;
    });
  while (!done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!done) {
      clock.advance(5);
    }
  }
  return running;
}
