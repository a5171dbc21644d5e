/** Gradient buffers: seeds and in-place accumulation. */
import { kernels } from '../backends/dispatch.js';
import { emptyLike, zerosLikeRaw, type Tensor } from '../tensor.js';

export function onesLike(t: Tensor): Tensor {
  const o = emptyLike(t);
  o.data().fill(1);
  return o;
}

export function zerosOf(shape: readonly number[], like: Tensor): Tensor {
  return zerosLikeRaw(like, shape);
}

/** dst += src (same shape), in place. */
export function accumulateInto(dst: Tensor, src: Tensor): void {
  kernels(dst).Axpy(1, src.data(), dst.data());
}
