/**
 * The conformance cases: every op's forward and input gradients, written once and run against
 * the reference backend for each other backend (native cpu, cuda). Each case builds seeded
 * float32 inputs for a channel count `c`; the sizes straddle SIMD widths and warp sizes.
 */
import * as q from '../index.js';

export type CaseBuild = (g: q.Generator, c: number) => { inputs: q.Tensor[]; f: (xs: q.Tensor[]) => q.Tensor };

export interface ConformanceCase {
  name: string;
  /** Relative L2 tolerance of the forward; gradients get ten times it. */
  tol: number;
  build: CaseBuild;
}

export const CONFORMANCE_SIZES: readonly number[] = [1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127];

/** Seeded standard-normal float32 cpu tensor (times `scale`). */
export function randomTensor(shape: number[], g: q.Generator, scale = 1): q.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = scale * g.normal();
  return q.tensor(d, shape);
}

const r = randomTensor;
const c_ = (name: string, tol: number, build: CaseBuild): ConformanceCase => ({ name, tol, build });

export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  c_('linear', 1e-5, (g, c) => ({ inputs: [r([3, c], g), r([c + 2, c], g), r([c + 2], g)], f: ([x, w, b]) => q.linear(x, w, b) })),
  c_('matmul', 1e-5, (g, c) => ({ inputs: [r([2, 3, c], g), r([2, c, 5], g)], f: ([a, b]) => q.matmul(a, b) })),
  c_('matmul (shared b)', 1e-5, (g, c) => ({ inputs: [r([2, 3, c], g), r([c, 4], g)], f: ([a, b]) => q.matmul(a, b) })),
  // C=1: var 0, rstd = 1/sqrt(eps) amplifies rounding
  c_('layerNorm', 1e-5, (g, c) => ({ inputs: [r([5, c], g, 2), r([c], g), r([c], g)], f: ([x, w, b]) => q.layerNorm(x, w, b, c === 1 ? 1e-2 : 1e-6) })),
  c_('linearGelu', 1e-5, (g, c) => ({ inputs: [r([3, c], g), r([c + 2, c], g), r([c + 2], g)], f: ([x, w, b]) => q.linearGelu(x, w, b) })),
  c_('gelu', 1e-5, (g, c) => ({ inputs: [r([3, c], g, 3)], f: ([x]) => q.gelu(x) })),
  c_('scaleAdd', 1e-6, (g, c) => ({ inputs: [r([4, c], g), r([4, c], g), r([c], g)], f: ([x, z, s]) => q.scaleAdd(x, z, s) })),
  c_('scaleAdd (drop path folded: 3 samples, one dropped)', 1e-6, (g, c) => ({
    inputs: [r([3, 2, c], g), r([3, 2, c], g), r([c], g)],
    f: ([x, z, s]) => q.scaleAdd(x, z, s, q.moveTo(q.tensor([1.25, 0, 1.25], [3]), x.device)),
  })),
  c_('channelScale', 1e-6, (g, c) => ({ inputs: [r([4, c], g), r([c], g)], f: ([x, s]) => q.channelScale(x, s) })),
  c_('mul row + add same', 1e-6, (g, c) => ({ inputs: [r([3, c], g), r([c], g), r([3, c], g)], f: ([a, b, d]) => q.add(q.mul(a, b), d) })),
  c_('sub/div scalar', 1e-6, (g, c) => ({ inputs: [r([2, c], g), q.tensor([1.7], [1])], f: ([a, s]) => q.div(q.sub(a, s), s) })),
  c_('mean over rows', 1e-6, (g, c) => ({ inputs: [r([6, c], g)], f: ([a]) => q.mean(a, 0) })),
  c_('conv2d', 1e-5, (g, c) => ({ inputs: [r([2, 6, 5, c], g), r([4, 3, 3, c], g), r([4], g)], f: ([x, w, b]) => q.conv2d(x, w, b, { stride: 2, padding: 1 }) })),
  c_('conv2d (patchify 2x2/2)', 1e-5, (g, c) => ({ inputs: [r([2, 6, 4, c], g), r([5, 2, 2, c], g), r([5], g)], f: ([x, w, b]) => q.conv2d(x, w, b, { stride: 2 }) })),
  c_('quadConv2d', 1e-5, (g, c) => ({
    inputs: [r([2, 5, 6, c], g), r([3, 3, c], g), r([c], g), r([3, 3, c], g), r([c], g), r([3, 3, c], g), r([c], g)],
    f: ([x, wa, ba, wb, bb, wc, bc]) => q.quadConv2d(x, { wa, ba, wb, bb, wc, bc }, 3),
  })),
  c_('quadConv2d (k7, saved A/B)', 1e-5, (g, c) => ({
    inputs: [r([1, 9, 8, c], g), r([7, 7, c], g, 0.3), r([c], g), r([7, 7, c], g, 0.3), r([c], g), r([7, 7, c], g, 0.3), r([c], g)],
    f: ([x, wa, ba, wb, bb, wc, bc]) => q.quadConv2d(x, { wa, ba, wb, bb, wc, bc }, 7, { saveAB: true }),
  })),
  c_('permute (last axis kept)', 1e-7, (g, c) => ({ inputs: [r([3, 2, 5, c], g)], f: ([x]) => q.permute(x, [2, 0, 1, 3]) })),
  c_('permute (last axis moves)', 1e-7, (g, c) => ({ inputs: [r([2, 3, 4, c], g)], f: ([x]) => q.permute(x, [0, 3, 2, 1]) })),
  c_('slice (non-leading axis)', 1e-7, (g, c) => ({ inputs: [r([3, 6, c], g)], f: ([x]) => q.slice(x, 1, 2, 5) })),
  c_('slice (last axis)', 1e-7, (g, c) => ({ inputs: [r([4, c + 2], g)], f: ([x]) => q.slice(x, -1, 1, c + 1) })),
  c_('concat', 1e-7, (g, c) => ({ inputs: [r([2, 3, c], g), r([2, 1, c], g)], f: ([a, b]) => q.concat([a, b], 1) })),
  c_('pad', 1e-7, (g, c) => ({ inputs: [r([2, 5, 4, c], g)], f: ([x]) => q.pad(x, [[0, 0], [3, 3], [1, 2], [0, 0]]) })),
  c_('roll', 1e-7, (g, c) => ({ inputs: [r([2, 7, 5, c], g)], f: ([x]) => q.roll(x, [-3, 2, 1], [1, 2, 3]) })),
  c_('gather (repeated indices)', 1e-7, (g, c) => ({ inputs: [r([5, c], g)], f: ([x]) => q.gather(x, [4, 0, 4, 2, 1, 4], 0) })),
  c_('gather (middle axis)', 1e-7, (g, c) => ({ inputs: [r([2, 6, c], g)], f: ([x]) => q.gather(x, [5, 5, 0], 1) })),
  c_('softmax', 1e-5, (g, c) => ({ inputs: [r([6, c], g, 4)], f: ([x]) => q.softmax(x) })),
  c_('logSoftmax', 1e-5, (g, c) => ({ inputs: [r([6, c], g, 4)], f: ([x]) => q.logSoftmax(x) })),
  c_('crossEntropy', 1e-5, (g, c) => ({ inputs: [r([4, c], g, 3)], f: ([x]) => q.crossEntropy(x, [0, c - 1, Math.floor(c / 2), 0], { labelSmoothing: 0.1 }) })),
  c_('softCrossEntropy (mixed targets)', 1e-5, (g, c) => ({
    inputs: [r([4, c], g, 3)],
    f: ([x]) => q.softCrossEntropy(x, Array.from({ length: 4 * c }, (_, i) => ((i % c) === (Math.floor(i / c) % c) ? 0.6 : 0) + ((i % c) === c - 1 ? 0.4 : 0))),
  })),
  c_('add broadcast (leading + middle axes)', 1e-6, (g, c) => ({ inputs: [r([3, 2, 4, c], g), r([2, 1, c], g)], f: ([a, b]) => q.add(a, b) })),
  c_('mul/div broadcast (a broadcasts)', 1e-6, (g, c) => ({ inputs: [r([1, 3, c], g), q.add(r([2, 3, 1], g), q.tensor([3], [1]))], f: ([a, b]) => q.add(q.mul(a, b), q.div(a, b)) })),
  c_('sum over middle axis', 1e-6, (g, c) => ({ inputs: [r([3, 5, c], g)], f: ([a]) => q.sum(a, 1) })),
  c_('sum over last axis, mean over [0, 2]', 1e-6, (g, c) => ({ inputs: [r([2, 3, 5, c], g)], f: ([a]) => q.mean(q.sum(a, -1), [0, 2]) })),
  c_('dwConv2d', 1e-5, (g, c) => ({ inputs: [r([1, 7, 4, c], g), r([5, 5, c], g), r([c], g)], f: ([x, w, b]) => q.dwConv2d(x, w, b, 5) })),
  // the masks come from a fresh seeded generator per call, so every backend draws the same ones
  c_('dropout (training)', 1e-6, (g, c) => ({ inputs: [r([3, c], g)], f: ([x]) => q.dropout(x, 0.3, true, new q.Generator(c)) })),
  c_('dropPath (training)', 1e-6, (g, c) => ({ inputs: [r([4, 2, c], g)], f: ([x]) => q.dropPath(x, 0.5, true, new q.Generator(c + 1)) })),
];
