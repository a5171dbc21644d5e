/** Dropout (per element) and drop-path (per sample, stochastic depth). Identity when not training. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError } from '../errors.js';
import type { Device } from '../device.js';
import type { DType } from '../dtype.js';
import { defaultGenerator, type Generator } from '../random.js';
import { empty, emptyLike, type Tensor } from '../tensor.js';
import { moveTo } from '../transfer.js';
import { checkTensor } from './util.js';

function masked(op: string, x: Tensor, mask: Tensor): Tensor {
  const y = emptyLike(x);
  const K = kernels(x);
  const mode = mask.size === x.size ? 'same' : 'row';
  if (mode === 'same') K.Binary('mul', x.buf(), mask.buf(), y.buf(), 'same');
  else {
    // per-sample mask [N]: one scale per sample's block
    K.RowScale(x.buf(), mask.size, x.size / mask.size, mask.buf(), y.buf());
  }
  record(op, [x], [y], [mask], ([g]) => [masked(op, g!, mask)]);
  return y;
}

function checkP(op: string, p: number): void {
  if (!(p >= 0 && p < 1)) throw new ArgumentError(`${op}: p must be in [0, 1), got ${p}`);
}

/** Zeroes elements with probability p and scales the rest by 1/(1−p). */
export function dropout(x: Tensor, p: number, training: boolean, gen: Generator = defaultGenerator): Tensor {
  checkTensor('dropout: x', x);
  checkP('dropout', p);
  if (!training || p === 0) return x;
  // drawn on the host (one generator for every device, so cpu and cuda runs match), then moved
  const host = empty(x.shape, x.dtype, 'cpu');
  const md = host.data();
  const keepScale = 1 / (1 - p);
  for (let i = 0; i < md.length; i++) md[i] = gen.uniform() < p ? 0 : keepScale;
  const mask = moveTo(host, x.device);
  const y = masked('Dropout', x, mask);
  mask.dispose();
  return y;
}

/**
 * Drops each sample's whole residual branch with probability p (scaling survivors by 1/(1−p)),
 * as timm's drop_path: x is [N, ...].
 */
export function dropPath(x: Tensor, p: number, training: boolean, gen: Generator = defaultGenerator): Tensor {
  checkTensor('dropPath: x', x);
  checkP('dropPath', p);
  if (!training || p === 0 || x.ndim === 0) return x;
  const mask = drawSampleMask(x.shape[0], p, x.dtype, x.device, gen);
  const y = masked('DropPath', x, mask);
  mask.dispose();
  return y;
}

/** n factors, each 0 with probability p and 1/(1−p) otherwise, drawn on the host (one generator for every device). */
function drawSampleMask(n: number, p: number, dtype: DType, device: Device, gen: Generator): Tensor {
  const host = empty([n], dtype, 'cpu');
  const md = host.data();
  for (let i = 0; i < n; i++) md[i] = gen.uniform() < p ? 0 : 1 / (1 - p);
  return moveTo(host, device);
}

/**
 * Drop path's per-sample factors for a batch of n, for `scaleAdd(x, z, gamma, s)`: the same draws
 * from `gen` as `dropPath` makes, so folding it into the residual changes no result. The caller
 * disposes the tensor (or lets a scope do it).
 */
export function dropPathScale(n: number, p: number, device: Device = 'cpu', gen: Generator = defaultGenerator, dtype: DType = 'float32'): Tensor {
  if (!(Number.isSafeInteger(n) && n >= 1)) throw new ArgumentError(`dropPathScale: n must be a positive integer, got ${n}`);
  checkP('dropPathScale', p);
  return drawSampleMask(n, p, dtype, device, gen);
}
