// @foryou/experiments-stats — pure statistics for experiment analysis on per-arm sufficient
// statistics. See README.md for each function's estimand, formula and source.
export type {
  ArmEstimate,
  BivariateMoments,
  ComparisonResult,
  EffectEstimate,
  Interval,
  UnivariateMoments,
} from './types';
export { addBivariate, addUnivariate, proportionMoments, sampleCovariance, sampleVariance } from './moments';
export {
  chiSquareSf,
  kolmogorovSf,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTwoSidedP,
  tQuantile,
} from './special';
export {
  srmByDay,
  srmFunnel,
  srmTest,
  type SrmByDayResult,
  type SrmDay,
  type SrmDayResult,
  type SrmFunnelResult,
  type SrmOptions,
  type SrmReason,
  type SrmResult,
} from './srm';
export {
  armEstimate,
  compareArms,
  relativeLift,
  tEffect,
  welchDf,
  welchTest,
  type VarianceEstimator,
  type WelchOptions,
} from './welch';
export { ratioArmEstimate, ratioTest, type RatioArmEstimate, type RatioTestResult } from './ratio';
export {
  cupedTest,
  cupedTheta,
  type CupedArm,
  type CupedEffects,
  type CupedOptions,
  type CupedResult,
} from './cuped';
export {
  classifyNonInferiority,
  mixingVariance,
  msprt,
  msprtSequence,
  nonInferiority,
  rhoFromNStar,
  sequentialDifferenceInMeans,
  type GuardrailDirection,
  type Mixing,
  type NonInferiorityDecision,
  type NonInferiorityOptions,
  type NonInferiorityResult,
  type NonInferiorityStatus,
  type SequentialLook,
  type SequentialOptions,
  type SequentialResult,
  type SequentialSequenceLook,
  type SequentialWelchOptions,
} from './sequential';
export { benjaminiHochberg, holm, type AdjustedPValues } from './multiple-testing';
export {
  checkMinimumSample,
  checkMultipleExposure,
  type ArmSampleCheck,
  type MinimumSampleResult,
  type MultipleExposureInput,
  type MultipleExposureOptions,
  type MultipleExposureResult,
} from './health';
export {
  minimumDetectableEffect,
  powerTwoSample,
  sampleSizeTwoSample,
  type MdeInput,
  type PowerBase,
  type PowerInput,
  type SampleSizeInput,
  type SampleSizeResult,
} from './power';
export { ksUniform, type KsResult } from './ks';
