export { correlate, correlateInputGrad, correlateWeightGrad, zerosLike, type FloatArray } from './depthwise.js';
export { quadconv2dRef, quadconv2dBackwardRef } from './quadconv.js';
export { dwconv2dRef, dwconv2dBackwardRef } from './dwconv.js';
