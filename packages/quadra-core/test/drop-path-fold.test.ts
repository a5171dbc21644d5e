/**
 * Drop path folded into the scaled residual: scaleAdd(x, z, γ, dropPathScale(...)) must give what
 * scaleAdd(x, dropPath(z), γ) gives, bit for bit, forward and backward (same draws, same rounding),
 * and keep fewer bytes alive.
 */
import { describe, expect, it } from 'vitest';
import * as q from '../src/index.js';
import { SEED } from './helpers.js';

function inputs(seed: number, shape: number[]) {
  const g = new q.Generator(seed);
  const c = shape[shape.length - 1];
  return {
    x: q.randn(shape, { generator: g }).requireGrad(),
    z: q.randn(shape, { generator: g }).requireGrad(),
    gamma: q.randn([c], { generator: g }).requireGrad(),
    dy: q.randn(shape, { generator: g }),
  };
}

describe('drop path folded into scaleAdd', () => {
  for (const [shape, p] of [[[8, 5, 5, 24], 0.3], [[17, 3, 40], 0.5], [[5, 9], 0.1]] as [number[], number][]) {
    it(`matches dropPath then scaleAdd bit for bit: [${shape.join(', ')}], p = ${p}`, () => {
      const a = inputs(SEED, shape), b = inputs(SEED, shape);
      const ya = q.scaleAdd(a.x, q.dropPath(a.z, p, true, new q.Generator(SEED + 1)), a.gamma);
      const mask = q.dropPathScale(shape[0], p, 'cpu', new q.Generator(SEED + 1));
      const yb = q.scaleAdd(b.x, b.z, b.gamma, mask);
      const m = Array.from(mask.data());
      expect(m.some((v) => v === 0) && m.some((v) => v !== 0), 'each case drops and keeps a sample').toBe(true);
      expect(yb.data()).toEqual(ya.data());
      ya.backward(a.dy);
      yb.backward(b.dy);
      expect(b.z.grad!.data()).toEqual(a.z.grad!.data());
      expect(b.gamma.grad!.data()).toEqual(a.gamma.grad!.data());
      expect(b.x.grad!.data()).toEqual(a.x.grad!.data());
    });
  }

  it('holds one activation fewer than the unfused pair', () => {
    const shape = [16, 8, 8, 32];
    const run = (fold: boolean) => {
      const a = inputs(SEED, shape);
      const base = q.memory().cpu.live;
      const mask = fold ? q.dropPathScale(16, 0.2, 'cpu', new q.Generator(1)) : null;
      const y = fold ? q.scaleAdd(a.x, a.z, a.gamma, mask!) : q.scaleAdd(a.x, q.dropPath(a.z, 0.2, true, new q.Generator(1)), a.gamma);
      const held = q.memory().cpu.live - base;
      y.backward(a.dy);
      return held;
    };
    const bytes = 16 * 8 * 8 * 32 * 4;
    expect(run(false) - run(true)).toBeGreaterThanOrEqual(bytes - 64);
  });

  it('checks its arguments', () => {
    const x = q.zeros([4, 3]), g = q.zeros([3]);
    expect(() => q.scaleAdd(x, x, g, q.ones([3]))).toThrow(/sampleScale/);
    expect(() => q.scaleAdd(q.zeros([3]), q.zeros([3]), g, q.ones([3]))).toThrow(q.ShapeError);
    expect(() => q.dropPathScale(0, 0.1)).toThrow(/n must be a positive integer/);
    expect(() => q.dropPathScale(4, 1)).toThrow(/p must be in \[0, 1\)/);
  });
});
