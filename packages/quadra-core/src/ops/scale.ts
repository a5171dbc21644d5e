/** Per-channel scale over the last axis, and the fused residual x + gamma ⊙ z (layer scale). */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ShapeError } from '../errors.js';
import { fmt, sameShape } from '../shape.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { checkSame, checkVector, rowsCols } from './util.js';

/**
 * x + gamma ⊙ z with gamma per last-axis channel, in one pass (QuadraBlock's residual with layer scale).
 * `sampleScale` (optional, [N] for x [N, ...], no gradient) multiplies each sample's z first: drop
 * path folded into the residual (`dropPathScale` draws it), with the same result as
 * `scaleAdd(x, dropPath(z, p, true), gamma)` and one pass over z fewer each way.
 *
 * @example
 * x = scaleAdd(x, quadConvOut, gamma1);
 * x = scaleAdd(x, mlpOut, gamma2, dropPathScale(x.shape[0], 0.1, x.device));
 */
export function scaleAdd(x: Tensor, z: Tensor, gamma: Tensor, sampleScale?: Tensor): Tensor {
  checkSame('scaleAdd', { x, z, gamma, sampleScale });
  if (!sameShape(x.shape, z.shape)) throw new ShapeError(`scaleAdd: x ${fmt(x.shape)} and z ${fmt(z.shape)} must have the same shape`);
  const { cols } = rowsCols(x);
  checkVector('scaleAdd', 'gamma', gamma, cols);
  if (sampleScale) {
    if (x.ndim < 2) throw new ShapeError(`scaleAdd: sampleScale needs x with a batch axis, got x ${fmt(x.shape)}`);
    checkVector('scaleAdd', 'sampleScale', sampleScale, x.shape[0]);
  }
  const s = sampleScale?.buf() ?? null;
  const y = emptyLike(x);
  kernels(x).ScaleAdd(x.buf(), z.buf(), gamma.buf(), cols, y.buf(), s);
  const saved = sampleScale ? [z, gamma, sampleScale] : [z, gamma];
  record('ScaleAdd', [x, z, gamma], [y], saved, ([g]) => {
    const dz = z.requiresGrad ? emptyLike(z) : null;
    const dg = gamma.requiresGrad ? emptyLike(gamma) : null;
    kernels(x).ScaleAddGrad(z.buf(), gamma.buf(), g!.buf(), cols, dz?.buf() ?? null, dg?.buf() ?? null, s);
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
