/**
 * @foryou/world — the seeded, deterministic synthetic world of the For You recommender: users
 * with latent interests, a power-law follow graph, posts, blocks/mutes, safety labels, ads, the
 * A–F fixture, and a ground-truth engagement simulator.
 */
export type { Ad, Post, PostKind, SafetyLabel, SafetyLookup, Scale, User, World, WorldConfig } from './types';
export { SCALES } from './scales';
export { generateWorld } from './world';
export { FIXTURE } from './fixture';
export { topicName } from './topics';
export { createRng, type Rng } from './rng';
export {
  ACTIONS,
  type Action,
  actionProbabilities,
  affinity,
  type Engagement,
  type EngagementFeatures,
  type EngagementLogOptions,
  engagementProbabilities,
  generateEngagementLog,
  simulateEngagement,
} from './engagement';
export {
  ACTION_LOG,
  type ActionHistory,
  actionHistory,
  indexActionHistory,
  isPositiveEngagement,
  POSITIVE_ACTIONS,
  type RecentAction,
  strongestPositiveAction,
  TRAIN_FRACTION,
} from './action-history';
