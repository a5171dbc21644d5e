/** Broadcasting binary arithmetic on raw tensors (no tape): picks the fastest kernel mode. */
import { kernels } from '../backends/dispatch.js';
import type { BinaryOp } from '../kernels/names.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { emptyLike, type Tensor } from '../tensor.js';

/** True when b broadcasts as one row over a's last axis. */
function isRow(a: Tensor, b: Tensor): boolean {
  if (b.ndim === 0 || a.ndim === 0) return false;
  const cols = a.shape[a.ndim - 1];
  return b.shape[b.ndim - 1] === cols && b.size === cols && b.ndim <= a.ndim;
}

export function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const out = emptyLike(a, shape);
  const K = kernels(a);
  if (sameShape(a.shape, shape)) {
    if (sameShape(b.shape, shape)) return K.Binary(op, a.buf(), b.buf(), out.buf(), 'same'), out;
    if (b.size === 1) return K.Binary(op, a.buf(), b.buf(), out.buf(), 'scalar'), out;
    if (isRow(a, b)) return K.Binary(op, a.buf(), b.buf(), out.buf(), 'row'), out;
  }
  K.BroadcastBinary(op, a.buf(), a.shape, b.buf(), b.shape, out.buf(), shape);
  return out;
}
