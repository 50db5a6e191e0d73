/** Injection tokens for things that are not classes (DESIGN.md §8: inject by Symbol). */
export const WORLD = Symbol('World');
export const REDIS = Symbol('Redis');
export const CLOCK = Symbol('Clock');
export const LOGGER = Symbol('Logger');
export const APP_CONFIG = Symbol('AppConfig');
export const FOR_YOU_PIPELINE = Symbol('ForYouPipeline');
export const SIDE_EFFECT_SINK = Symbol('SideEffectSink');
export const VERSION_INFO = Symbol('VersionInfo');
/** The experiment definitions loaded at boot (`readonly ExperimentDefinition[]`). */
export const EXPERIMENT_DEFINITIONS = Symbol('ExperimentDefinitions');
/** The kill-switch store of the experiments (`KillSwitchStore` from @foryou/feed-state). */
export const KILL_SWITCH_STORE = Symbol('KillSwitchStore');
