import { Module, type DynamicModule } from '@nestjs/common';
import {
  InProcessSideEffectSink,
  PipelineRunner,
  SystemClock,
  type Clock,
  type SideEffectSink,
} from '@foryou/candidate-pipeline';
import type { ExperimentDefinition, KillSwitchState } from '@foryou/experiments';
import { KillSwitchWatcher, type ExposureSink, type KillSwitchStore } from '@foryou/feed-state';
import type { Logger } from '@foryou/telemetry';
import type { World } from '@foryou/world';
import type { Redis } from 'ioredis';
import type { Adapters } from './adapters';
import { ExperimentsAdminController } from './admin/experiments-admin.controller';
import { USER_STORE_CLIENT } from './clients/user-store.client';
import type { AppConfig } from './config/app-config';
import { EngagementController } from './events/engagement.controller';
import { EngagementService } from './events/engagement.service';
import { Experiments } from './experiments/experiments';
import { FaultRegistry } from './faults/fault-registry';
import { FaultsController } from './faults/faults.controller';
import { FeedController } from './feed/feed.controller';
import { FeedService } from './feed/feed.service';
import { DEPENDENCY_PROBES, type DependencyProbe } from './health/dependency-probe';
import { HealthController } from './health/health.controller';
import { redisProbe } from './health/probes';
import { ParamsStore } from './params/params-store';
import { forYouPipeline } from './pipeline/for-you.pipeline';
import { QueryBuilder } from './query/query-builder';
import { RESPONSE_SCHEMA_VERSION, type VersionInfo } from './query/version-info';
import { CANDIDATE_CACHE_VERSION } from '@foryou/feed-state';
import { HomeMixerMetrics } from './telemetry/metrics';
import { MetricsController } from './telemetry/metrics.controller';
import {
  APP_CONFIG,
  CLOCK,
  EXPERIMENT_DEFINITIONS,
  FOR_YOU_PIPELINE,
  KILL_SWITCH_STORE,
  LOGGER,
  REDIS,
  SIDE_EFFECT_SINK,
  VERSION_INFO,
  WORLD,
} from './tokens';
import { FeedClock } from './world/feed-clock';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly world: World;
  readonly redis: Redis;
  readonly adapters: Adapters;
  /** Defaults to Redis (required) only. */
  readonly probes?: readonly DependencyProbe[];
  /** Drills only: wraps every adapter with switchable faults and mounts /v1/admin/faults. */
  readonly faults?: FaultRegistry;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly params?: ParamsStore;
  /** Shared with the world seeder, so seeded and served times are in one frame. */
  readonly feedClock?: FeedClock;
  readonly metrics?: HomeMixerMetrics;
  /** Where responses' side effects go; defaults to in-process (tests). Production: the outbox sink. */
  readonly sideEffectSink?: (metrics: HomeMixerMetrics) => SideEffectSink;
  /** Experiment definitions (`loadExperiments`); default none. */
  readonly experimentDefinitions?: readonly ExperimentDefinition[];
  /**
   * The experiments' kill switches: the store (admin API writes) and this process's watcher (assignment
   * reads its state). Default: none — nothing is ever killed and the admin API cannot kill.
   */
  readonly killSwitches?: { readonly store: KillSwitchStore; readonly watcher: KillSwitchWatcher };
  /** Tests: a fixed kill state instead of a watcher (ignored when `killSwitches` is given). */
  readonly killState?: () => KillSwitchState;
  /** In-process side effects only: where experiment exposures are written (tests). */
  readonly exposureSink?: ExposureSink;
}

/** The composition root of home-mixer: every provider is built here from explicit options. */
@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    const clock = options.clock ?? new SystemClock();
    const metrics = options.metrics ?? new HomeMixerMetrics();
    const runner = new PipelineRunner({ clock, metrics: metrics.pipeline });
    const adapters = options.faults ? options.faults.wrap(options.adapters) : options.adapters;
    const experimentDefinitions = options.experimentDefinitions ?? [];
    const watcher = options.killSwitches?.watcher;
    if (watcher) {
      metrics.watchKillState(() => watcher.lastRefreshedAtMs);
    }
    const killState = watcher ? () => watcher.current() : options.killState;
    const versions: VersionInfo = {
      code: options.config.codeVersion,
      schema: RESPONSE_SCHEMA_VERSION,
      // The ranking model version is only known per response (see feed-response.mapper).
      model: 'unscored',
      corpus: options.world.version,
      cache_key: CANDIDATE_CACHE_VERSION,
    };
    return {
      module: AppModule,
      controllers: [
        FeedController,
        EngagementController,
        HealthController,
        MetricsController,
        ExperimentsAdminController,
        ...(options.faults ? [FaultsController] : []),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: WORLD, useValue: options.world },
        { provide: REDIS, useValue: options.redis },
        { provide: DEPENDENCY_PROBES, useValue: options.probes ?? [redisProbe(options.redis)] },
        { provide: LOGGER, useValue: options.logger },
        { provide: CLOCK, useValue: clock },
        { provide: HomeMixerMetrics, useValue: metrics },
        { provide: PipelineRunner, useValue: runner },
        { provide: ParamsStore, useValue: options.params ?? new ParamsStore() },
        { provide: FeedClock, useValue: options.feedClock ?? new FeedClock(options.world.nowMs) },
        { provide: USER_STORE_CLIENT, useValue: adapters.users },
        { provide: VERSION_INFO, useValue: versions },
        { provide: EXPERIMENT_DEFINITIONS, useValue: experimentDefinitions },
        ...(options.killSwitches
          ? [{ provide: KILL_SWITCH_STORE, useValue: options.killSwitches.store }]
          : []),
        {
          provide: Experiments,
          useValue: new Experiments({
            definitions: experimentDefinitions,
            metrics,
            ...(killState ? { killState } : {}),
            ...(options.exposureSink ? { exposureSink: options.exposureSink } : {}),
          }),
        },
        {
          provide: SIDE_EFFECT_SINK,
          useValue: options.sideEffectSink?.(metrics) ?? new InProcessSideEffectSink(metrics),
        },
        { provide: FOR_YOU_PIPELINE, useValue: forYouPipeline({ runner, ...adapters }) },
        ...(options.faults ? [{ provide: FaultRegistry, useValue: options.faults }] : []),
        QueryBuilder,
        FeedService,
        EngagementService,
      ],
    };
  }
}
