// profileKernels: every dispatched kernel is counted by name, on the native and reference
// backends; the result is passed through; profiles do not nest and end when fn throws.
import { describe, expect, it } from 'vitest';

import { gelu, linear, profileKernels, QuadraError, randn, scope, setBackend, tensor } from '../src/index.js';

describe('profileKernels', () => {
  for (const backend of ['cpu', 'ref'] as const) {
    it(`counts each kernel call by name (${backend})`, () => {
      setBackend(backend);
      try {
        const x = randn([4, 8]), w = randn([16, 8]), b = randn([16]);
        const p = profileKernels(() => scope(() => {
          const y = linear(x, w, b);
          return Array.from(gelu(gelu(y)).dataSync());
        }));
        expect(p.result).toHaveLength(64);
        const byName = Object.fromEntries(p.kernels.map((k) => [k.kernel, k.calls]));
        expect(byName.Linear).toBe(1);
        expect(byName.Gelu).toBe(2);
        expect(p.kernelMs).toBeLessThanOrEqual(p.totalMs + 1e-9);
        for (const k of p.kernels) expect(k.ms).toBeGreaterThanOrEqual(0);
        for (const t of [x, w, b]) t.dispose();
      } finally {
        setBackend('cpu');
      }
    });
  }

  it('does not nest, and stops when fn throws', () => {
    expect(() => profileKernels(() => profileKernels(() => 1))).toThrow(QuadraError);
    expect(() => profileKernels(() => { throw new RangeError('boom'); })).toThrow(RangeError);
    const p = profileKernels(() => tensor([1, 2], [2]).dispose());
    expect(p.kernels).toEqual([]);
  });
});
