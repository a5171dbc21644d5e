/** @quadranet/models — QuadraBlock and the baseline blocks (the zoo and training arrive with issue 4). */
export { QuadraBlock, type BlockOptions } from './blocks/quadra-block.js';
export { ConvBlock } from './blocks/conv-block.js';
export { Mlp } from './blocks/mlp.js';
export { layerScale, residual } from './blocks/layer-scale.js';
