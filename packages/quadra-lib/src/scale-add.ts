import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { ShapeError } from './errors.js';
import { nativeOrNull } from './native.js';
import { scaleAddBackwardRef, scaleAddRef } from './reference/scale-add.js';
import {
  checkDim, checkF32, checkF32Any, checkObject, checkOutputsApart, checkSameOrNoOverlap, optionalOutput,
} from './validate.js';

/** Output buffers of `scaleAddBackward`: a buffer, undefined (allocated) or null (skipped). */
export interface ScaleAddBackwardOptions {
  /** [rows, cols]; may be dy itself. */
  dz?: Float32Array | null;
  /** [cols] */
  dgamma?: Float32Array | null;
}

export interface ScaleAddGrads {
  dz: Float32Array | null;
  dgamma: Float32Array | null;
}

function rowsOf(name: string, x: Float32Array, cols: number): number {
  if (x.length === 0 || x.length % cols !== 0) {
    throw new ShapeError(`${name}: expected a positive multiple of cols = ${cols} elements, got ${x.length}`);
  }
  return x.length / cols;
}

/**
 * Fused residual with a per-channel scale (layer scale): out = x + gamma z, gamma [cols] broadcast
 * over rows. out may be x itself (the residual stream updated in place); undefined allocates.
 *
 * @example
 * scaleAdd(x, branch, layerScale, 64, x); // x += layerScale * branch
 */
export function scaleAdd(x: Float32Array, z: Float32Array, gamma: Float32Array, cols: number, out?: Float32Array): Float32Array {
  checkF32Any('x', x);
  const c = checkDim('cols', cols);
  rowsOf('x', x, c);
  checkF32('z', z, x.length);
  checkF32('gamma', gamma, c);
  const o = out === undefined ? allocFloat32(x.length) : checkF32('out', out, x.length);
  checkSameOrNoOverlap('out', o, 'x', x);
  checkOutputsApart({ out: o }, { z, gamma });
  const native = nativeOrNull();
  if (native) callNative(() => native.scaleAdd(x, z, gamma, c, o));
  else scaleAddRef(x, z, gamma, c, o);
  return o;
}

/** Gradients of `scaleAdd` w.r.t. z and gamma: dz = dy gamma, dgamma = sum over rows of dy z (dx is dy). */
export function scaleAddBackward(
  z: Float32Array, gamma: Float32Array, dy: Float32Array, cols: number, opts: ScaleAddBackwardOptions = {},
): ScaleAddGrads {
  checkF32Any('z', z);
  const c = checkDim('cols', cols);
  rowsOf('z', z, c);
  checkF32('gamma', gamma, c);
  checkF32('dy', dy, z.length);
  const o = checkObject<ScaleAddBackwardOptions>('opts', opts);
  const g: ScaleAddGrads = {
    dz: optionalOutput('opts.dz', o.dz, z.length, allocFloat32),
    dgamma: optionalOutput('opts.dgamma', o.dgamma, c, allocFloat32),
  };
  if (g.dz) checkSameOrNoOverlap('opts.dz', g.dz, 'dy', dy);
  checkOutputsApart({ 'opts.dz': g.dz, 'opts.dgamma': g.dgamma }, { z, gamma });
  checkOutputsApart({ 'opts.dgamma': g.dgamma }, { dy });
  const native = nativeOrNull();
  if (native) callNative(() => native.scaleAddBackward(z, gamma, dy, c, g.dz, g.dgamma));
  else scaleAddBackwardRef(z, gamma, dy, c, g.dz, g.dgamma);
  return g;
}
