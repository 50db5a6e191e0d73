// @foryou/experiments-sim — the simulation check of the experiment system: re-salted A/A runs and
// planted effects on the world's engagement simulator, analysed with the real assignment, statistics
// and (for one run) SQL path. See README.md.
export {
  analyzeRun,
  armOf,
  compareMoments,
  testMethod,
  type AnalysisOptions,
  type RunAnalysis,
  type TestMethod,
} from './analysis';
export {
  binomialLowerTail,
  binomialTwoSidedP,
  binomialUpperBound,
  binomialUpperTail,
  clopperPearson,
  wilsonInterval,
  type ProportionInterval,
} from './binomial';
export {
  DEFAULT_CHECK_LEVEL,
  runCalibration,
  type CalibrationCheck,
  type CalibrationOptions,
  type CalibrationProgress,
  type CalibrationResult,
} from './calibration';
export { runAaRuns, type AaRunsOptions, type AaSummary } from './aa-check';
export { mean, sampleSd } from './descriptive';
export { simulatedTrigger, type SimulatedEvents, type SimulatedRequest } from './events';
export {
  impressionValue,
  isWorldAction,
  outcomeValue,
  primaryMetric,
  simulatedMetric,
  type SimulatedMetric,
} from './metric';
export { BivariateAccumulator, numeratorMoments, UnivariateAccumulator } from './moments';
export {
  NEGATIVE_CONTROLS,
  perExposureComparison,
  perExposurePValue,
  pooledStandardErrorPValue,
  reportedPValue,
  unsaltedAssigner,
  type NegativeControl,
} from './negative-controls';
export {
  addTally,
  emptyTally,
  plantEffect,
  plantedProbability,
  validatePlantedEffect,
  type PlantedEffect,
  type PlantTally,
} from './planted';
export { kolmogorovCritical, pValuePlotSvg, type PValuePlotOptions } from './plot';
export { runPowerRuns, type PowerRunsOptions, type PowerSummary } from './power-check';
export { compareSplits, ReshuffleAccumulator, type ReshuffleSummary } from './reshuffle';
export {
  assignPopulation,
  eligibilityContext,
  populationSize,
  SIMULATED_SURFACE,
  type Assigner,
  type PopulationUnit,
} from './population';
export {
  DEFAULT_REQUEST_WINDOW_MS,
  groupRequests,
  resolvePlantedEffect,
  resolveTreatmentArm,
  simulateRun,
  type ArmResult,
  type PlantedRunSummary,
  type SimulatedRun,
  type SimulateRunOptions,
} from './run';
export { resaltDefinition, runSalt, SALT_SEPARATOR, streamSeed, type Stream } from './salt';
export {
  checkSqlPath,
  checkSqlPathInScratchDatabase,
  DEFAULT_STORE_TOLERANCE,
  type StoreCheckOptions,
  type StoreCheckResult,
} from './store-check';
