export { Optimizer, type OptimizerState, type ParamGroup } from './optimizer.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { SGD, type SGDOptions } from './sgd.js';
export { WarmupCosine, type WarmupCosineOptions } from './schedule.js';
export { clipGradNorm } from './clip.js';
export { emaUpdate } from './average.js';
