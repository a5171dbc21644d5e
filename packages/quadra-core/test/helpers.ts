/** Test helpers: seeded inputs, float64 finite-difference gradient checks, error measures. */
import { Generator, noGrad, scope, sum, mul, tensor, type Tensor } from '../src/index.js';

export const SEED = Number(process.env.QUADRA_TEST_SEED ?? 1234);

export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

export function rand64(shape: number[], g: Generator, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = scale * g.normal();
  return tensor(d, shape);
}

export function rand32(shape: number[], g: Generator, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = scale * g.normal();
  return tensor(d, shape);
}

/**
 * Checks the tape's gradients of L = Σ f(inputs) ⊙ R (R fixed random) against float64 central
 * differences for up to `samples` elements of each input. Returns the worst relative error.
 */
export function gradcheck(f: (xs: Tensor[]) => Tensor, inputs: Tensor[], opts: { samples?: number; h?: number; seed?: number } = {}): number {
  const h = opts.h ?? 1e-6;
  const g = new Generator(opts.seed ?? SEED);
  for (const x of inputs) x.requiresGrad = true;
  const out0 = noGrad(() => f(inputs));
  const r = rand64([...out0.shape], g);
  out0.dispose();
  const loss = () => noGrad(() => scope(() => sum(mul(f(inputs), r)).item()));
  scope(() => sum(mul(f(inputs), r)).backward());
  let worst = 0;
  for (const x of inputs) {
    const d = x.data();
    const grad = x.grad!.data();
    const count = Math.min(d.length, opts.samples ?? 24);
    for (let s = 0; s < count; s++) {
      const i = count === d.length ? s : g.int(d.length);
      const keep = d[i];
      d[i] = keep + h;
      const lp = loss();
      d[i] = keep - h;
      const lm = loss();
      d[i] = keep;
      const fd = (lp - lm) / (2 * h);
      const err = Math.abs(fd - grad[i]) / Math.max(1, Math.abs(fd), Math.abs(grad[i]));
      worst = Math.max(worst, err);
    }
  }
  return worst;
}
