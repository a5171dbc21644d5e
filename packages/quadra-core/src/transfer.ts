/**
 * Host↔device movement and the few whole-buffer writes that ops do outside kernels (fill, copy),
 * for either device. cpu paths are the plain typed-array calls they always were; cuda paths go
 * through the CUDA module (upload/download synchronise with the device's stream).
 */
import type { DeviceArray } from '@quadranet/lib';
import { cudaRuntime } from './backends/cuda/runtime.js';
import type { Device } from './device.js';
import type { FArray } from './dtype.js';
import { ShapeError } from './errors.js';
import type { Tensor } from './tensor.js';

const asF32 = (a: FArray): Float32Array => (a instanceof Float32Array ? a : Float32Array.from(a));

/** Sets every element of `t` to `value`. */
export function fillTensor(t: Tensor, value: number): Tensor {
  if (t.device === 'cuda') {
    if (t.size > 0) cudaRuntime().fill(t.buf() as DeviceArray, value);
    t.markWritten();
  } else t.data().fill(value);
  return t;
}

/** dst ← src, both the same size and on the same device. */
export function copyTensor(src: Tensor, dst: Tensor): Tensor {
  if (src.size !== dst.size) throw new ShapeError(`copy: src has ${src.size} elements, dst has ${dst.size}`);
  if (src.device === 'cuda' && dst.device === 'cuda') {
    if (src.size > 0) cudaRuntime().copy(src.buf() as DeviceArray, dst.buf() as DeviceArray);
    dst.markWritten();
  }
  else if (src.device === 'cpu' && dst.device === 'cpu') dst.data().set(src.data());
  else if (dst.device === 'cuda') writeHost(dst, src.data());
  else dst.data().set(readHost(src));
  return dst;
}

/** Writes host values into `t` (an upload for cuda tensors). */
export function writeHost(t: Tensor, values: FArray): Tensor {
  if (values.length !== t.size) throw new ShapeError(`write: tensor has ${t.size} elements, got ${values.length} values`);
  if (t.device === 'cuda') {
    if (t.size > 0) cudaRuntime().upload(t.buf() as DeviceArray, asF32(values));
    t.markWritten();
  } else t.data().set(values);
  return t;
}

/**
 * `t` on `device`, for a tensor the caller owns (values made on the host, say): `t` itself when it
 * is there already, else a copy there, and `t` is disposed.
 */
export function moveTo(t: Tensor, device: Device): Tensor {
  if (t.device === device) return t;
  const moved = t.to(device);
  t.dispose();
  return moved;
}

/** The elements on the host: the zero-copy view for cpu tensors, a downloaded copy for cuda ones. */
export function readHost(t: Tensor): FArray {
  // cpu: the view itself, without counting a write (data() would: it hands out a writable view).
  if (t.device !== 'cuda') return t.buf() as FArray;
  const out = new Float32Array(t.size);
  if (t.size > 0) cudaRuntime().download(t.buf() as DeviceArray, out);
  return out;
}
