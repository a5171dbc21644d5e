/**
 * Running a conformance case on one backend against the reference: inputs copied onto the target
 * (cpu native, or uploaded to cuda), forward, backward from a fixed random seed gradient, and the
 * output and input gradients read back to the host and compared by relative L2 error.
 */
import * as q from '../index.js';
import { CONFORMANCE_CASES, CONFORMANCE_SIZES, randomTensor, type ConformanceCase } from './cases.js';

/** 'ref' and 'cpu' are cpu backends (setBackend); 'cuda' puts the inputs on the GPU. */
export type Target = 'ref' | 'cpu' | 'cuda';

export interface Outcome {
  out: Float32Array;
  grads: Float32Array[];
}

/** Relative L2 error, with an absolute floor for results that are ~0 (e.g. layer norm over 1 channel). */
export function mixedErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-2 * Math.sqrt(Math.max(a.length, 1)));
}

const host = (t: q.Tensor) => Float32Array.from(t.dataSync());

/** Runs f on copies of the inputs on `target`; returns the output and input gradients on the host. */
export function runOn(target: Target, inputs: q.Tensor[], f: (xs: q.Tensor[]) => q.Tensor, seedGrad: Float32Array): Outcome {
  const device: q.Device = target === 'cuda' ? 'cuda' : 'cpu';
  const previous = q.getBackend();
  if (target !== 'cuda') q.setBackend(target);
  try {
    return q.scope(() => {
      const xs = inputs.map((t) => q.tensor(Float32Array.from(t.dataSync()), [...t.shape], { device }).requireGrad());
      const y = f(xs);
      const out = host(y);
      y.backward(q.tensor(Float32Array.from(seedGrad), [...y.shape], { device }));
      const grads = xs.map((x) => host(x.grad!));
      for (const x of xs) x.grad?.dispose();
      return { out, grads };
    });
  } finally {
    q.setBackend(previous);
  }
}

export interface CaseResult {
  name: string;
  size: number;
  seed: number;
  tol: number;
  outErr: number;
  gradErrs: number[];
  pass: boolean;
  /** Set when the target threw (e.g. a kernel the backend lacks). */
  error?: string;
}

/** One case at one size: target against the reference backend. */
export function checkCase(cs: ConformanceCase, size: number, target: Exclude<Target, 'ref'>, seed: number): CaseResult {
  const base = { name: cs.name, size, seed: seed + size, tol: cs.tol };
  return q.scope(() => {
    const g = new q.Generator(seed + size);
    const { inputs, f } = cs.build(g, size);
    const probe = q.noGrad(() => f(inputs));
    const seedGrad = Float32Array.from(randomTensor([...probe.shape], g).data());
    const ref = runOn('ref', inputs, f, seedGrad);
    let got: Outcome;
    try {
      got = runOn(target, inputs, f, seedGrad);
    } catch (err) {
      return { ...base, outErr: NaN, gradErrs: [], pass: false, error: err instanceof Error ? err.message : String(err) };
    }
    const outErr = mixedErr(got.out, ref.out);
    const gradErrs = got.grads.map((gr, i) => mixedErr(gr, ref.grads[i]));
    const pass = outErr < cs.tol && gradErrs.every((e) => e < cs.tol * 10);
    return { ...base, outErr, gradErrs, pass };
  });
}

/** Optimizer steps (AdamW, then SGD with Nesterov momentum) and clipGradNorm on `target` vs the reference. */
export function checkOptimizers(target: Exclude<Target, 'ref'>): { name: string; err: number; pass: boolean; error?: string } {
  const runSteps = (t: Target): Float32Array => {
    const device: q.Device = t === 'cuda' ? 'cuda' : 'cpu';
    const previous = q.getBackend();
    if (t !== 'cuda') q.setBackend(t);
    try {
      return q.scope(() => {
      const p = new q.nn.Parameter(randomTensor([67], new q.Generator(1)).to(device));
      const grad = (seed: number) => randomTensor([67], new q.Generator(seed), 3).to(device).keep();
      const a = new q.optim.AdamW([p], { lr: 0.01, weightDecay: 0.1 });
      for (let i = 0; i < 3; i++) {
        p.grad = grad(100 + i);
        q.optim.clipGradNorm([p], 2);
        a.step();
        a.zeroGrad();
      }
      const s = new q.optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
      for (let i = 0; i < 2; i++) {
        p.grad = grad(200 + i);
        s.step();
        s.zeroGrad();
      }
      const out = Float32Array.from(p.dataSync());
      a.dispose();
      s.dispose();
      p.dispose();
      return out;
      });
    } finally {
      q.setBackend(previous);
    }
  };
  const name = 'AdamW + SGD steps with clipGradNorm';
  try {
    const ref = runSteps('ref');
    const got = runSteps(target);
    const err = mixedErr(got, ref);
    return { name, err, pass: err < 1e-6 };
  } catch (e) {
    return { name, err: NaN, pass: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Every case at every size (or the given ones), in order. */
export function* checkAll(target: Exclude<Target, 'ref'>, seed: number, sizes: readonly number[] = CONFORMANCE_SIZES): Generator<CaseResult> {
  for (const cs of CONFORMANCE_CASES) for (const size of sizes) yield checkCase(cs, size, target, seed);
}
