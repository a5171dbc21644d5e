/**
 * Native data-movement, broadcast, sum-over-axes and softmax kernels from @quadranet/lib. Shapes beyond the native
 * kernels' MAX_DIMS axes run on the reference kernels.
 */
import { broadcastBinary, copyWindow, gather, MAX_DIMS, permute, reduceSum, roll, scatterAdd, softmax, softmaxBackward } from '@quadranet/lib';
import type { KernelTable } from '../../kernels/names.js';
import { broadcastBinary as broadcastBinaryRef } from '../ref/elementwise.js';
import { layoutRef } from '../ref/layout.js';
import { reduceRef } from '../ref/reduce.js';
import { f32 } from './cast.js';

export const layoutCpu: Pick<KernelTable, 'BroadcastBinary' | 'ReduceSum' | 'Permute' | 'CopyWindow' | 'Roll' | 'Gather' | 'Softmax' | 'SoftmaxGrad'> = {
  BroadcastBinary(op, a, aShape, b, bShape, out, outShape) {
    if (outShape.length > MAX_DIMS) return broadcastBinaryRef(op, a, aShape, b, bShape, out, outShape);
    broadcastBinary(op, f32(a), [...aShape], f32(b), [...bShape], f32(out), [...outShape]);
  },
  ReduceSum(x, shape, axes, out) {
    if (shape.length > MAX_DIMS) return reduceRef.ReduceSum(x, shape, axes, out);
    reduceSum(f32(x), [...shape], [...axes], f32(out));
  },
  Permute(x, shape, perm, out) {
    if (shape.length > MAX_DIMS) return layoutRef.Permute(x, shape, perm, out);
    permute(f32(x), [...shape], [...perm], f32(out));
  },
  CopyWindow(x, shape, out, outShape, offsets, reverse) {
    if (shape.length > MAX_DIMS) return layoutRef.CopyWindow(x, shape, out, outShape, offsets, reverse);
    copyWindow(f32(x), [...shape], f32(out), [...outShape], [...offsets], reverse);
  },
  Roll(x, shape, shifts, out) {
    if (shape.length > MAX_DIMS) return layoutRef.Roll(x, shape, shifts, out);
    roll(f32(x), [...shape], [...shifts], f32(out));
  },
  Gather(x, shape, axis, indices, out, scatter) {
    if (shape.length > MAX_DIMS) return layoutRef.Gather(x, shape, axis, indices, out, scatter);
    if (scatter) scatterAdd(f32(x), [...shape], axis, indices, f32(out));
    else gather(f32(x), [...shape], axis, indices, f32(out));
  },
  Softmax(x, rows, cols, out, log) {
    if (rows === 0 || cols === 0) return;
    softmax(f32(x), rows, cols, { out: f32(out), log });
  },
  SoftmaxGrad(y, dy, rows, cols, dx, log) {
    if (rows === 0 || cols === 0) return;
    softmaxBackward(f32(y), f32(dy), rows, cols, { dx: f32(dx), log });
  },
};
