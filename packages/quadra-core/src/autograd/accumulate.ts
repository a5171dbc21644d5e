/** Gradient buffers: seeds and in-place accumulation. */
import { kernels } from '../backends/dispatch.js';
import { emptyLike, zerosLikeRaw, type Tensor } from '../tensor.js';
import { fillTensor } from '../transfer.js';

export function onesLike(t: Tensor): Tensor {
  return fillTensor(emptyLike(t), 1);
}

export function zerosOf(shape: readonly number[], like: Tensor): Tensor {
  return zerosLikeRaw(like, shape);
}

/** dst += src (same shape), in place. */
export function accumulateInto(dst: Tensor, src: Tensor): void {
  kernels(dst).Axpy(1, src.buf(), dst.buf());
}
