/** Weight averaging in place: the exponential moving average that timm's ModelEma keeps. */
import { kernels } from '../backends/dispatch.js';
import { ArgumentError, DeviceError, DTypeError, ShapeError } from '../errors.js';
import { fmt, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * avg ← decay·avg + (1 − decay)·w for each pair (avg[i], w[i]), in place: two native passes per
 * tensor (a scale, then an axpy) and no allocation, where the tensor-op form costs three
 * temporaries and a copy per tensor.
 *
 * @example
 * optim.emaUpdate(emaModel.parameters(), model.parameters(), 0.9995);
 */
export function emaUpdate(avg: Iterable<Tensor>, w: Iterable<Tensor>, decay: number): void {
  if (!(decay >= 0 && decay <= 1)) throw new ArgumentError(`emaUpdate: decay must be in [0, 1], got ${decay}`);
  const a = [...avg], b = [...w];
  if (a.length !== b.length) throw new ArgumentError(`emaUpdate: avg has ${a.length} tensors but w has ${b.length}`);
  a.forEach((t, i) => {
    const s = b[i];
    if (!sameShape(t.shape, s.shape)) throw new ShapeError(`emaUpdate: tensor ${i}: avg ${fmt(t.shape)} and w ${fmt(s.shape)} differ`);
    if (t.device !== s.device) throw new DeviceError(`emaUpdate: tensor ${i}: avg is on ${t.device}, w on ${s.device}`);
    if (t.dtype !== s.dtype) throw new DTypeError(`emaUpdate: tensor ${i}: avg is ${t.dtype}, w ${s.dtype}`);
    if (t === s) throw new ArgumentError(`emaUpdate: tensor ${i} is both avg and w`);
  });
  a.forEach((t, i) => {
    if (t.size === 0) return;
    const K = kernels(t);
    K.Scale(t.buf(), decay, t.buf());
    K.Axpy(1 - decay, b[i].buf(), t.buf());
    t.markWritten();
  });
}
