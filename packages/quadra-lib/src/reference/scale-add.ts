/** Reference fused residual with a per-channel scale: out = x + gamma z. */
import type { FloatArray } from './depthwise.js';

/** out[r, c] = x[r, c] + gamma[c] z[r, c]; out may be x. */
export function scaleAddRef(x: FloatArray, z: FloatArray, gamma: FloatArray, cols: number, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] + gamma[i % cols] * z[i];
}

/** dz = dy gamma, dgamma = sum over rows of dy z; null outputs are skipped; dz may be dy. */
export function scaleAddBackwardRef(
  z: FloatArray, gamma: FloatArray, dy: FloatArray, cols: number, dz: FloatArray | null, dgamma: FloatArray | null,
): void {
  const dg = new Float64Array(cols);
  for (let i = 0; i < z.length; i++) {
    const c = i % cols;
    dg[c] += dy[i] * z[i];
    if (dz) dz[i] = dy[i] * gamma[c];
  }
  if (dgamma) dgamma.set(dg);
}
