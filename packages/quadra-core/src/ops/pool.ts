/** Global average pooling over the spatial axes of NHWC. */
import { checkRank } from './util.js';
import { mean } from './reduce.js';
import type { Tensor } from '../tensor.js';

/** [N, H, W, C] → [N, C]. @example const feats = globalAvgPool(x); */
export function globalAvgPool(x: Tensor): Tensor {
  checkRank('globalAvgPool', 'x', x, 4);
  return mean(x, [1, 2]);
}
