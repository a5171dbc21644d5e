/** @quadranet/nas — hardware-aware architecture search for QuadraNet: search spaces as data, measured latency tables, a latency predictor, ProxylessNAS-style supernet search. */
export { SearchSpaceError, LutError, LutMismatchError, PredictorError } from './errors.js';
export { spaceSchema, SPACE_FORMAT, type SearchSpace, type CandidateSet, type StageSpace } from './space/schema.js';
export { parseSpace, readSpace } from './space/load.js';
export { FASHION_MNIST_SPACE, IMAGENET_224_SPACE, DEFAULT_SPACES, PAPER_CANDIDATES } from './space/defaults.js';
export { candidateList, blockId, SKIP, type Candidate } from './space/candidates.js';
export {
  spaceLayout, allOps, fixedOps, architectureOps, architectureSpec, checkChoices, blockOp, opKey,
  type OpSpec, type OpKind, type LayerPosition, type SpaceLayout, type Choices,
} from './space/layout.js';
export { currentFingerprint, fingerprintDifferences, type Fingerprint } from './latency/fingerprint.js';
export { timeRuns, measureModule, measureSettings, MEASURE_DEFAULTS, type MeasureOptions, type MeasureMode } from './latency/measure.js';
export { summarize, quantile, relativeSpread, type LatencyStats } from './latency/stats.js';
export { opModule, HeadOp } from './latency/op-modules.js';
export { LUT_FORMAT, lutSchema, parseLut, loadLut, saveLut, checkLut, lutLatency, type LatencyTable, type LutEntry, type LutCheck } from './latency/lut.js';
export { profileOp, profileOps, profileSpace, compareLuts, type ProfileOptions } from './latency/profile.js';
export { opFeatures, opFlops, opBytes, FEATURE_NAMES } from './latency/features.js';
export { LatencyPredictor, lutArchitectureLatency, PREDICTOR_FORMAT, type PredictorOptions, type ArchitectureLatency } from './latency/predictor.js';
export {
  predictionQuality, sampleArchitectures, spaceLatencyQuantiles, measureArchitecture, evaluateLatencyModels, predictorSampleOps,
  type PredictionQuality, type ArchitectureSample, type LatencyModelReport,
} from './latency/evaluate.js';
export { softmax, sampleIndex, samplePair, binarizeTwo, alphaGradFromGates, rescaleInvolved, type TwoPathSample } from './search/gates.js';
export { AlphaAdam, type AlphaAdamOptions, type AlphaAdamState } from './search/alpha-adam.js';
export { expectedLatency, latencyLoss, checkLatencyLoss, type ExpectedLatency, type LatencyLossKind, type LatencyLossOptions, type LatencyLossValue } from './search/latency-loss.js';
export { MixedLayer } from './search/mixed-layer.js';
export { Supernet, ALPHA_INIT_STD } from './search/supernet.js';
export { balancedSplit } from './search/split.js';
export { greedyDowngrade, deriveChoices, type Downgrade, type DeriveRule } from './search/derive.js';
export {
  runSearch, checkSearchConfig, layerLatencies, SEARCH_DEFAULTS,
  type SearchConfig, type SearchRun, type SearchOutcome, type SearchEpoch, type SearchStep, type SearchStartInfo, type SearchHooks,
} from './search/search.js';
export { deriveNetwork, writeSearchOutputs, REPORT_FORMAT, type SearchReport, type DerivedNetwork, type DeriveOptions, type Derived } from './search/report.js';
