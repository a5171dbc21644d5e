export { Module, StateDictError, type LoadReport, type StateValue } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, LayerNorm, Conv2d, DepthwiseConv2d, QuadraConv2d, QuadraLinear, GELU, Identity, Dropout, DropPath, Sequential, type LayerOptions } from './layers.js';
export { truncNormal_, zeros_, ones_, constant_, xavierUniform_, withoutInit } from './init.js';
export { checkNhwc, checkLastAxis } from './input-checks.js';
export { describeModule, modulePathOf } from './module-path.js';
