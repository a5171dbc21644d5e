/** Shared by the block tests: error measure, seeded parameters, float64 finite-difference check. */
import * as q from '@quadranet/core';

export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0, d = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / Math.max(d, 1e-30));
}

/** Seeded N(0, 0.3²) values for every parameter (layer scales included, so branches matter). */
export function randomise(m: q.nn.Module, seed: number): void {
  const g = new q.Generator(seed);
  for (const p of m.parameters()) p.data().set(q.randn([p.size], { generator: g }).data().map((v) => v * 0.3));
}

/**
 * Converts the block to float64, then compares the tape's gradients of Σ block(x) ⊙ R (R fixed
 * random) with central differences at 6 entries of x and of every parameter; returns the worst
 * relative error.
 */
export function fdCheck(block: q.nn.Module, shape: number[]): number {
  block.to('float64');
  randomise(block, 9);
  const g = new q.Generator(5);
  const x = q.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal()), shape).requireGrad();
  const r = q.tensor(Float64Array.from({ length: x.size }, () => g.normal()), shape);
  const loss = () => q.noGrad(() => q.scope(() => q.sum(q.mul(block.forward(x), r)).item()));
  q.scope(() => q.sum(q.mul(block.forward(x), r)).backward());
  let worst = 0;
  const targets: q.Tensor[] = [x, ...block.parameters()];
  for (const t of targets) {
    const d = t.data();
    for (let s = 0; s < Math.min(6, d.length); s++) {
      const i = (s * 7919) % d.length;
      const keep = d[i];
      d[i] = keep + 1e-6;
      const lp = loss();
      d[i] = keep - 1e-6;
      const lm = loss();
      d[i] = keep;
      const fd = (lp - lm) / 2e-6;
      worst = Math.max(worst, Math.abs(fd - t.grad!.data()[i]) / Math.max(1, Math.abs(fd)));
    }
  }
  return worst;
}
