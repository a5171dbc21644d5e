/**
 * ProxylessNAS's binary gates, as plain math on one layer's architecture parameters α (float64):
 * p = softmax(α); sampling a path (weight steps) or a pair of paths with one active (α steps);
 * the α gradient from the gate gradients, ∂L/∂α_i = Σ_j g_j p_j (δ_ij − p_i) with p taken over
 * the sampled pair; and the rescale after an α step that keeps the unsampled paths' probabilities.
 */
import { ArgumentError, type Generator } from '@quadranet/core';

export function softmax(a: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]);
  const out = new Float64Array(a.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += out[i] = Math.exp(a[i] - m);
  for (let i = 0; i < a.length; i++) out[i] /= s;
  return out;
}

/** One index drawn with probabilities `p`. */
export function sampleIndex(p: ArrayLike<number>, g: Generator): number {
  let u = g.uniform();
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u < 0) return i;
  }
  return p.length - 1;
}

/** Two distinct indices drawn by `p` without replacement (the second from p renormalised without the first), as torch.multinomial(p, 2). */
export function samplePair(p: ArrayLike<number>, g: Generator): [number, number] {
  if (p.length < 2) throw new ArgumentError(`samplePair: needs at least two paths, got ${p.length}`);
  const first = sampleIndex(p, g);
  const rest = Array.from(p, (v, i) => (i === first ? 0 : v));
  const s = rest.reduce((a, b) => a + b, 0);
  const second = s > 0 ? sampleIndex(rest.map((v) => v / s), g) : (first + 1) % p.length;
  return [first, second === first ? (first + 1) % p.length : second];
}

export interface TwoPathSample {
  /** The sampled pair, active first. */
  involved: [number, number];
  active: number;
  inactive: number;
}

/** ProxylessNAS's 'two' mode: a pair by p = softmax(α), then the active one of the pair by softmax of the pair's α. */
export function binarizeTwo(alpha: ArrayLike<number>, g: Generator): TwoPathSample {
  const [a, b] = samplePair(softmax(alpha), g);
  const q = softmax([alpha[a], alpha[b]]);
  const first = sampleIndex(q, g) === 0;
  const active = first ? a : b;
  const inactive = first ? b : a;
  return { involved: [active, inactive], active, inactive };
}

/**
 * ∂L/∂α for the `involved` paths (the rest 0): Σ_j g_j p_j (δ_ij − p_i), p = softmax over the
 * involved α, g_j = ∂L/∂gate_j. With every path involved this is the gradient of Σ_j p_j L_j when
 * L is linear in the gates.
 */
export function alphaGradFromGates(alpha: ArrayLike<number>, involved: readonly number[], gateGrads: readonly number[]): Float64Array {
  if (gateGrads.length !== involved.length) throw new ArgumentError(`alphaGradFromGates: one gate gradient per involved path (${involved.length}), got ${gateGrads.length}`);
  const p = softmax(involved.map((i) => alpha[i]));
  const out = new Float64Array(alpha.length);
  for (let a = 0; a < involved.length; a++) {
    let s = 0;
    for (let b = 0; b < involved.length; b++) s += gateGrads[b] * p[b] * ((a === b ? 1 : 0) - p[a]);
    out[involved[a]] += s;
  }
  return out;
}

/**
 * After an α step on the involved paths: shifts their α by one offset so Σ exp(α) over them is
 * what it was before the step; the other paths' probabilities are then unchanged.
 */
export function rescaleInvolved(alpha: Float64Array, before: ArrayLike<number>, involved: readonly number[]): void {
  const lse = (v: number[]) => {
    const m = Math.max(...v);
    return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
  };
  const offset = lse(involved.map((i) => alpha[i])) - lse(involved.map((i) => before[i]));
  for (const i of involved) alpha[i] -= offset;
}
