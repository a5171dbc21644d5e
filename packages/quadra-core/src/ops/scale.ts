/** Per-channel scale over the last axis, and the fused residual x + gamma ⊙ z (layer scale). */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ShapeError } from '../errors.js';
import { fmt, sameShape } from '../shape.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { checkSame, checkVector, rowsCols } from './util.js';

/**
 * x + gamma ⊙ z with gamma per last-axis channel, in one pass (QuadraBlock's residual with layer scale).
 *
 * @example
 * x = scaleAdd(x, quadConvOut, gamma1);
 */
export function scaleAdd(x: Tensor, z: Tensor, gamma: Tensor): Tensor {
  checkSame('scaleAdd', { x, z, gamma });
  if (!sameShape(x.shape, z.shape)) throw new ShapeError(`scaleAdd: x ${fmt(x.shape)} and z ${fmt(z.shape)} must have the same shape`);
  const { cols } = rowsCols(x);
  checkVector('scaleAdd', 'gamma', gamma, cols);
  const y = emptyLike(x);
  kernels(x).ScaleAdd(x.buf(), z.buf(), gamma.buf(), cols, y.buf());
  record('ScaleAdd', [x, z, gamma], [y], [z, gamma], ([g]) => {
    const dz = z.requiresGrad ? emptyLike(z) : null;
    const dg = gamma.requiresGrad ? emptyLike(gamma) : null;
    kernels(x).ScaleAddGrad(z.buf(), gamma.buf(), g!.buf(), cols, dz?.buf() ?? null, dg?.buf() ?? null);
    return [x.requiresGrad ? g!.detach() : null, dz, dg];
  });
  return y;
}

/** gamma ⊙ x with gamma per last-axis channel. */
export function channelScale(x: Tensor, gamma: Tensor): Tensor {
  checkSame('channelScale', { x, gamma });
  const { cols } = rowsCols(x);
  checkVector('channelScale', 'gamma', gamma, cols);
  const y = emptyLike(x);
  kernels(x).Binary('mul', x.buf(), gamma.buf(), y.buf(), 'row');
  record('ChannelScale', [x, gamma], [y], [x, gamma], ([g]) => {
    const dx = x.requiresGrad ? emptyLike(x) : null;
    const dg = gamma.requiresGrad ? emptyLike(gamma) : null;
    if (dx) kernels(x).Binary('mul', g!.buf(), gamma.buf(), dx.buf(), 'row');
    if (dg) kernels(x).ScaleAddGrad(x.buf(), gamma.buf(), g!.buf(), cols, null, dg.buf());
    return [dx, dg];
  });
  return y;
}
