/** @quadranet/models — QuadraBlock and baseline blocks, the QuadraNet zoo, data, training and the CLI. */
export { QuadraBlock, type BlockOptions } from './blocks/quadra-block.js';
export { ConvBlock } from './blocks/conv-block.js';
export { Mlp } from './blocks/mlp.js';
export { layerScale, residual } from './blocks/layer-scale.js';
export { BLOCKS, type BlockKind, type BlockSpec, type BlockBuilder } from './blocks/registry.js';
export { QuadraNet, SMALL_IMAGE_STEM, PATCH4_STEM, type QuadraNetOptions, type StemOptions, type ModelSummary, type LayerSummary } from './model/quadranet.js';
export { createModel, modelNames, WIDTHS, DEPTHS, type ZooOptions, type Size } from './model/zoo.js';
export { moduleMacs, type CountsMacs } from './model/macs.js';
