/** roll, pad and gather. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError } from '../errors.js';
import { normAxis } from '../shape.js';
import { emptyLike, zerosLikeRaw, type Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/**
 * Shifts elements along axes with wrap-around (Swin's cyclic shift).
 *
 * @example
 * roll(x, [-3, -3], [1, 2]); // NHWC shift by 3 pixels up and left
 */
export function roll(x: Tensor, shifts: readonly number[], axes: readonly number[]): Tensor {
  checkTensor('roll: x', x);
  if (shifts.length !== axes.length || !shifts.every(Number.isInteger)) {
    throw new ArgumentError(`roll: shifts and axes must be integer arrays of equal length, got [${shifts.join(', ')}] and [${axes.join(', ')}]`);
  }
  const per = x.shape.map(() => 0);
  axes.forEach((a, i) => {
    per[normAxis('roll: axes', a, x.ndim)] += shifts[i];
  });
  const y = emptyLike(x);
  kernels(x).Roll(x.buf(), x.shape, per, y.buf());
  record('Roll', [x], [y], [], ([g]) => [roll(g!, shifts.map((s) => -s), axes)]);
  return y;
}

/**
 * Zero padding: `pads` is [before, after] per axis, from the first axis.
 *
 * @example
 * pad(x, [[0, 0], [3, 3], [3, 3], [0, 0]]); // NHWC, 3 pixels each side
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[]): Tensor {
  checkTensor('pad: x', x);
  if (pads.length !== x.ndim || !pads.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) {
    throw new ArgumentError(`pad: pads must be ${x.ndim} pairs of non-negative integers [before, after]`);
  }
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const offsets = pads.map((p) => p[0]);
  const y = zerosLikeRaw(x, shape);
  kernels(x).CopyWindow(x.buf(), x.shape, y.buf(), shape, offsets, false);
  record('Pad', [x], [y], [], ([g]) => {
    const dx = emptyLike(x);
    kernels(x).CopyWindow(g!.buf(), shape, dx.buf(), x.shape, offsets, true);
    return [dx];
  });
  return y;
}

/**
 * Picks entries along `axis` by index (torch.index_select); indices may repeat.
 *
 * @example
 * gather(table, idx, 0); // relative-position bias lookup
 */
export function gather(x: Tensor, indices: ArrayLike<number>, axis = 0): Tensor {
  checkTensor('gather: x', x);
  const ax = normAxis('gather: axis', axis, x.ndim);
  const n = x.shape[ax];
  const idx = new Int32Array(indices.length);
  for (let i = 0; i < idx.length; i++) {
    const v = indices[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new ArgumentError(`gather: indices[${i}] must be an integer in [0, ${n - 1}], got ${v}`);
    idx[i] = v;
  }
  const y = emptyLike(x, x.shape.map((d, i) => (i === ax ? idx.length : d)));
  kernels(x).Gather(x.buf(), x.shape, ax, idx, y.buf(), false);
  record('Gather', [x], [y], [], ([g]) => {
    const dx = zerosLikeRaw(x);
    kernels(x).Gather(g!.buf(), x.shape, ax, idx, dx.buf(), true);
    return [dx];
  });
  return y;
}
