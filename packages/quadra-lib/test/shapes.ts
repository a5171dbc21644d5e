/** Seeded random shapes for the data-movement tests: the last axis from SIZES, the others small. */
import { pick } from './helpers.js';
import { SIZES } from './targets.js';

/** A shape of `ndim` axes: leading axes in [1, 5], the last one from SIZES (or `last`). */
export function randomShape(rand: () => number, ndim: number, last?: number): number[] {
  const s: number[] = [];
  for (let d = 0; d < ndim - 1; d++) s.push(1 + Math.floor(rand() * 5));
  if (ndim > 0) s.push(last ?? pick(rand, SIZES));
  return s;
}

/** Every permutation of 0..n-1. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return out;
}

/** A random permutation of 0..n-1. */
export function randomPerm(rand: () => number, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** 0, 1, 2, ... as float32 (every element distinct, so a misplaced element is caught). */
export function iota(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i);
}

/** The first index where a and b differ (as float32 values), or -1. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
