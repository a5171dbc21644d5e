/**
 * XOR data in ±1 coordinates: the four corners (−1,−1), (−1,1), (1,−1), (1,1) with label 1 where
 * the signs differ (x₁·x₂ < 0), and a seeded Gaussian cloud around each corner for training and
 * for the picture.
 */
import { Generator } from '@quadranet/core';

export interface XorData {
  /** Row-major [n, 2] coordinates. */
  x: Float32Array;
  /** Class per row: 1 where the signs of x₁ and x₂ differ. */
  y: Int32Array;
  n: number;
}

/** The four XOR points in ±1 coordinates, in the order (−1,−1), (−1,1), (1,−1), (1,1). */
export const XOR_CORNERS: readonly (readonly [number, number])[] = [[-1, -1], [-1, 1], [1, -1], [1, 1]];

/** XOR label of a corner: 1 where the signs differ. */
export const xorLabel = (x1: number, x2: number): number => (x1 * x2 < 0 ? 1 : 0);

/** The four XOR points. */
export function xorCorners(): XorData {
  const x = new Float32Array(XOR_CORNERS.flat());
  const y = Int32Array.from(XOR_CORNERS, ([a, b]) => xorLabel(a, b));
  return { x, y, n: 4 };
}

/**
 * The four corners followed by `perCorner` points around each, N(corner, std²) per coordinate and
 * labelled by their corner (std 0.2 keeps every point in its corner's quadrant in practice).
 */
export function xorCloud(perCorner: number, std: number, gen: Generator): XorData {
  const n = 4 + 4 * perCorner;
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  const c = xorCorners();
  x.set(c.x);
  y.set(c.y);
  let i = 4;
  for (let k = 0; k < perCorner; k++) {
    for (const [a, b] of XOR_CORNERS) {
      x[2 * i] = a + std * gen.normal();
      x[2 * i + 1] = b + std * gen.normal();
      y[i] = xorLabel(a, b);
      i++;
    }
  }
  return { x, y, n };
}
