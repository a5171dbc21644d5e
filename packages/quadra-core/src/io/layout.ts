/**
 * Layout converters between PyTorch checkpoints and ours. All take and return plain
 * `{shape, data: Float32Array}` records, always return a new array, and throw ShapeError when
 * the rank, a fixed dimension, or the data length does not match.
 *
 *   activations            PyTorch NCHW [N, C, H, W]      ours NHWC [N, H, W, C]
 *   dense conv weight      PyTorch OIHW [O, I, kh, kw]    ours OHWI [O, kh, kw, I]
 *                          (each output channel's filter is contiguous in the (kh, kw, I) order
 *                           of an NHWC im2col row, so the GEMM reads it as a row)
 *   depthwise conv weight  PyTorch [C, 1, kh, kw]         ours [kh, kw, C] (QuadraLib's layout)
 *   linear weight          PyTorch [out, in]              ours [out, in]: identical, no conversion
 *   bias, norm parameters  [C] in both: no conversion
 */
import { ShapeError } from '@quadranet/lib';
import type { RawTensor } from './safetensors.js';

/** Anything shaped like a RawTensor; the shape may be readonly. */
export interface RawTensorLike {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

function check(fn: string, t: RawTensorLike, rank: number, names: string): void {
  if (t === null || typeof t !== 'object' || !Array.isArray(t.shape) || !(t.data instanceof Float32Array)) {
    throw new ShapeError(`${fn}: expected {shape, data: Float32Array}`);
  }
  if (t.shape.length !== rank) {
    throw new ShapeError(`${fn}: expected a rank-${rank} tensor ${names}, got shape [${t.shape.join(', ')}]`);
  }
  let n = 1;
  for (const d of t.shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`${fn}: shape [${t.shape.join(', ')}] has an invalid dimension ${d}`);
    n *= d;
  }
  if (t.data.length !== n) {
    throw new ShapeError(`${fn}: shape [${t.shape.join(', ')}] holds ${n} elements but data has ${t.data.length}`);
  }
}

/** [A, B, C, D] -> [A, C, D, B]: moves axis 1 last. */
function moveAxis1Last(t: RawTensorLike): RawTensor {
  const [a, b, c, d] = t.shape;
  const src = t.data;
  const out = new Float32Array(src.length);
  const cd = c * d;
  for (let i = 0; i < a; i++) {
    const sBase = i * b * cd;
    const oBase = i * cd * b;
    for (let j = 0; j < b; j++) {
      const s = sBase + j * cd;
      for (let k = 0; k < cd; k++) out[oBase + k * b + j] = src[s + k];
    }
  }
  return { shape: [a, c, d, b], data: out };
}

/** [A, C, D, B] -> [A, B, C, D]: moves the last axis to position 1. */
function moveLastAxisTo1(t: RawTensorLike): RawTensor {
  const [a, c, d, b] = t.shape;
  const src = t.data;
  const out = new Float32Array(src.length);
  const cd = c * d;
  for (let i = 0; i < a; i++) {
    const sBase = i * cd * b;
    const oBase = i * b * cd;
    for (let k = 0; k < cd; k++) {
      const s = sBase + k * b;
      for (let j = 0; j < b; j++) out[oBase + j * cd + k] = src[s + j];
    }
  }
  return { shape: [a, b, c, d], data: out };
}

/**
 * Activations NCHW [N, C, H, W] (PyTorch) -> NHWC [N, H, W, C] (ours).
 * @example nchwToNhwc({ shape: [1, 2, 1, 2], data: Float32Array.of(1, 2, 3, 4) })
 *          // -> { shape: [1, 1, 2, 2], data: [1, 3, 2, 4] }
 */
export function nchwToNhwc(t: RawTensorLike): RawTensor {
  check('nchwToNhwc', t, 4, '[N, C, H, W]');
  return moveAxis1Last(t);
}

/** Activations NHWC [N, H, W, C] (ours) -> NCHW [N, C, H, W] (PyTorch). Inverse of nchwToNhwc. */
export function nhwcToNchw(t: RawTensorLike): RawTensor {
  check('nhwcToNchw', t, 4, '[N, H, W, C]');
  return moveLastAxisTo1(t);
}

/**
 * Dense conv weight OIHW [O, I, kh, kw] (PyTorch) -> OHWI [O, kh, kw, I] (ours).
 * Grouped convs (groups > 1) keep PyTorch's I = in / groups; depthwise weights use
 * depthwiseOihwToHwc instead.
 */
export function oihwToOhwi(t: RawTensorLike): RawTensor {
  check('oihwToOhwi', t, 4, '[O, I, kh, kw]');
  return moveAxis1Last(t);
}

/** Dense conv weight OHWI [O, kh, kw, I] (ours) -> OIHW [O, I, kh, kw] (PyTorch). Inverse of oihwToOhwi. */
export function ohwiToOihw(t: RawTensorLike): RawTensor {
  check('ohwiToOihw', t, 4, '[O, kh, kw, I]');
  return moveLastAxisTo1(t);
}

/**
 * Depthwise conv weight, PyTorch [C, 1, kh, kw] (groups = C, channel multiplier 1) -> ours
 * [kh, kw, C]. The shape alone cannot tell a multiplier m > 1 ([C*m, 1, kh, kw]) apart: callers
 * must only pass weights of convs with groups = in_channels = out_channels.
 * @example depthwiseOihwToHwc({ shape: [2, 1, 1, 2], data: Float32Array.of(1, 2, 3, 4) })
 *          // -> { shape: [1, 2, 2], data: [1, 3, 2, 4] }
 */
export function depthwiseOihwToHwc(t: RawTensorLike): RawTensor {
  check('depthwiseOihwToHwc', t, 4, '[C, 1, kh, kw]');
  const [c, one, kh, kw] = t.shape;
  if (one !== 1) {
    throw new ShapeError(`depthwiseOihwToHwc: expected [C, 1, kh, kw] (one input channel per group), got shape [${t.shape.join(', ')}]`);
  }
  const r = moveAxis1Last({ shape: [1, c, kh, kw], data: t.data });
  return { shape: [kh, kw, c], data: r.data };
}

/** Depthwise conv weight, ours [kh, kw, C] -> PyTorch [C, 1, kh, kw]. Inverse of depthwiseOihwToHwc. */
export function hwcToDepthwiseOihw(t: RawTensorLike): RawTensor {
  check('hwcToDepthwiseOihw', t, 3, '[kh, kw, C]');
  const [kh, kw, c] = t.shape;
  const r = moveLastAxisTo1({ shape: [1, kh, kw, c], data: t.data });
  return { shape: [c, 1, kh, kw], data: r.data };
}
