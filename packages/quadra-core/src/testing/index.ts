/**
 * @quadranet/core/testing — the backend conformance suite as a library: the cases, a runner per
 * backend against the reference, and the skip lists. vitest runs it here; bench/gpu runs it with
 * plain Node on a GPU machine (no test framework there).
 */
export { CONFORMANCE_CASES, CONFORMANCE_SIZES, randomTensor, type CaseBuild, type ConformanceCase } from './cases.js';
export { checkAll, checkCase, checkOptimizers, mixedErr, runOn, type CaseResult, type Outcome, type Target } from './run.js';
export { CUDA_SKIPS } from './skips.js';
export { trainStepOn, type TrainStepResult } from './train-step.js';
export { applyJsonEdits, fuzzParams, FuzzTally, type JsonEdit } from './fuzz.js';
