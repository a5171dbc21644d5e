/** Safetensors io and PyTorch layout converters, on plain {shape, data} records. */
export { FileFormatError, type FileFormatDetails } from './errors.js';
export {
  parseSafetensors,
  serializeSafetensors,
  planSafetensors,
  MAX_HEADER_SIZE,
  READABLE_DTYPES,
  type RawTensor,
  type SafetensorsFile,
  type TensorsInput,
  type ParseOptions,
  type SafetensorsPlan,
  type PlannedTensor,
} from './safetensors.js';
export { readSafetensors, writeSafetensors, writeAtomic, writeFileAtomic, removeStaleTemps, atomicTempTarget, type ReadOptions } from './file.js';
export { errnoCause } from './errno.js';
export { halfToFloat, bfloat16ToFloat, decodeF16, decodeBF16 } from './half.js';
export {
  nchwToNhwc,
  nhwcToNchw,
  oihwToOhwi,
  ohwiToOihw,
  depthwiseOihwToHwc,
  hwcToDepthwiseOihw,
  type RawTensorLike,
} from './layout.js';
export { saveTensors, loadTensors } from './tensors.js';
