// Bad input to the dense kernels never aborts: the TS layer throws a typed error naming the
// argument, and the raw binding, called directly, throws a TypeError/RangeError with a code.
import { describe, expect, it } from 'vitest';

import {
  adamwStep, ArgumentError, axpy, biasGelu, binary, DTypeError, gelu, geluBackward, gemm, layerNorm, layerNormBackward,
  linear, linearBackward, scale, scaleAdd, scaleAddBackward, sgdStep, ShapeError, sumRows, type BinaryOpName,
  type BroadcastMode,
} from '../src/index.js';
import { thrown } from './helpers.js';
import { native } from './targets.js';

const f = (n: number) => new Float32Array(n);

function expectError(fn: () => unknown, type: new (...a: never[]) => Error, re: RegExp) {
  const err = thrown(fn);
  expect(err, 'expected a throw').toBeInstanceOf(type);
  expect((err as Error).message).toMatch(re);
}

/** A view of `buf` from element `at`, `n` long. */
const view = (buf: Float32Array, at: number, n: number) => buf.subarray(at, at + n);

describe('dense kernels: argument checks in TypeScript', () => {
  it('gemm: dims, lengths, types, aliasing', () => {
    const o = { m: 2, n: 3, k: 4 };
    expectError(() => gemm(f(8), f(12), f(6), { ...o, m: 0 }), ArgumentError, /^opts\.m: expected a positive integer/);
    expectError(() => gemm(f(8), f(12), f(6), { ...o, k: 2.5 }), ArgumentError, /^opts\.k/);
    expectError(() => gemm(f(7), f(12), f(6), o), ShapeError, /^a: expected 8 elements, got 7/);
    expectError(() => gemm(f(8), f(11), f(6), o), ShapeError, /^b: expected 12/);
    expectError(() => gemm(f(8), f(12), f(5), o), ShapeError, /^c: expected 6/);
    expectError(() => gemm(new Float64Array(8) as unknown as Float32Array, f(12), f(6), o), DTypeError, /^a: expected a Float32Array/);
    expectError(() => gemm(f(8), f(12), f(6), { ...o, alpha: NaN }), ArgumentError, /^opts\.alpha/);
    expectError(() => gemm(f(8), f(12), f(6), { ...o, transA: 1 as unknown as boolean }), ArgumentError, /^opts\.transA: expected a boolean/);
    const buf = f(20);
    expectError(() => gemm(view(buf, 0, 8), f(12), view(buf, 4, 6), o), ArgumentError, /^c: must not share memory with a/);
  });

  it('linear / linearBackward', () => {
    const d = { rows: 2, inFeatures: 3, outFeatures: 4 };
    expectError(() => linear(f(6), f(12), undefined, { ...d, rows: -1 }), ArgumentError, /^dims\.rows/);
    expectError(() => linear(f(6), f(12), undefined, { rows: 2, inFeatures: 3 } as typeof d), ArgumentError, /^dims\.outFeatures/);
    expectError(() => linear(f(6), f(13), undefined, d), ShapeError, /^w: expected 12 elements/);
    expectError(() => linear(f(6), f(12), f(3), d), ShapeError, /^bias: expected 4/);
    expectError(() => linear(f(6), f(12), undefined, d, { out: f(7) }), ShapeError, /^opts\.out: expected 8/);
    const big = f(30);
    expectError(() => linear(view(big, 0, 6), f(12), undefined, d, { out: view(big, 5, 8) }), ArgumentError, /^opts\.out: must not share memory with x/);
    expectError(() => linearBackward(f(6), f(12), f(7), d), ShapeError, /^dy: expected 8/);
    expectError(() => linearBackward(f(6), f(12), f(8), d, { db: f(3) }), ShapeError, /^opts\.db: expected 4/);
    expectError(() => linearBackward(view(big, 0, 6), f(12), f(8), d, { dx: view(big, 0, 6) }), ArgumentError, /^opts\.dx: must not share memory with x/);
    expectError(() => linearBackward(f(6), f(12), f(8), d, { dw: view(big, 0, 12), db: view(big, 10, 4) }), ArgumentError, /^opts\.dw: must not share memory with opts\.db/);
    expectError(() => linearBackward(f(6), f(12), f(8), d, { accumulate: 'yes' as unknown as boolean }), ArgumentError, /^opts\.accumulate/);
  });

  it('layerNorm / layerNormBackward', () => {
    expectError(() => layerNorm(f(6), 0, 3, undefined, undefined, 1e-5), ArgumentError, /^rows: expected a positive integer/);
    expectError(() => layerNorm(f(6), 2, 3, f(2), undefined, 1e-5), ShapeError, /^gamma: expected 3/);
    expectError(() => layerNorm(f(6), 2, 3, undefined, f(4), 1e-5), ShapeError, /^beta: expected 3/);
    expectError(() => layerNorm(f(6), 2, 3, undefined, undefined, -1), ArgumentError, /^eps: expected a number >= 0/);
    expectError(() => layerNorm(f(6), 2, 3, undefined, undefined, 1e-5, { mean: f(3) }), ShapeError, /^opts\.mean: expected 2/);
    const x = f(6);
    expectError(() => layerNorm(x, 2, 3, undefined, undefined, 1e-5, { rstd: x.subarray(0, 2) }), ArgumentError, /^opts\.rstd: must not share memory with x/);
    expectError(() => layerNorm(x, 2, 3, undefined, undefined, 1e-5, { out: f(5) }), ShapeError, /^opts\.out: expected 6/);
    const big = f(12);
    expectError(() => layerNorm(view(big, 0, 6), 2, 3, undefined, undefined, 1e-5, { out: view(big, 3, 6) }), ArgumentError, /^opts\.out: must not share memory with x/);
    expectError(() => layerNormBackward(f(6), 2, 3, undefined, f(2), f(1), f(6)), ShapeError, /^rstd: expected 2/);
    expectError(() => layerNormBackward(f(6), 2, 3, undefined, f(2), f(2), f(5)), ShapeError, /^dy: expected 6/);
    const dy = f(6);
    expectError(() => layerNormBackward(f(6), 2, 3, undefined, f(2), f(2), dy, { dgamma: dy.subarray(0, 3) }), ArgumentError, /^opts\.dgamma: must not share memory with dy/);
  });

  it('gelu / geluBackward / biasGelu', () => {
    expectError(() => gelu([1, 2] as unknown as Float32Array), DTypeError, /^x: expected a Float32Array, got an Array/);
    expectError(() => gelu(f(4), { out: f(3) }), ShapeError, /^opts\.out: expected 4/);
    const big = f(10);
    expectError(() => gelu(view(big, 0, 6), { out: view(big, 2, 6) }), ArgumentError, /^opts\.out: must not share memory with x/);
    expectError(() => geluBackward(f(4), f(5)), ShapeError, /^dy: expected 4/);
    expectError(() => biasGelu(f(6), f(3), 4), ShapeError, /^h: expected a multiple of cols = 4/);
    expectError(() => biasGelu(f(6), f(2), 3), ShapeError, /^bias: expected 3/);
    expectError(() => biasGelu(f(6), f(3), 0), ArgumentError, /^cols/);
    const h = f(6);
    expectError(() => biasGelu(h, f(3), 3, { out: h }), ArgumentError, /^opts\.out: must not share memory with h/);
  });

  it('binary / scale / axpy', () => {
    expectError(() => binary('pow' as BinaryOpName, f(4), f(4), undefined, 'same'), ArgumentError, /^op: expected one of add, sub, mul, div/);
    expectError(() => binary('add', f(4), f(4), undefined, 'col' as BroadcastMode), ArgumentError, /^mode:/);
    expectError(() => binary('add', f(4), f(3), undefined, 'same'), ShapeError, /^b: expected 4/);
    expectError(() => binary('add', f(6), f(4), undefined, 'row'), ShapeError, /^b: expected cols elements where cols divides/);
    expectError(() => binary('add', f(6), 2, undefined, 'row'), ArgumentError, /^b: a number needs mode 'scalar'/);
    expectError(() => binary('add', f(6), f(2), undefined, 'scalar'), ShapeError, /^b: expected 1/);
    expectError(() => binary('add', f(6), f(6), f(5), 'same'), ShapeError, /^out: expected 6/);
    const big = f(10);
    expectError(() => binary('mul', view(big, 0, 6), f(6), view(big, 1, 6), 'same'), ArgumentError, /^out: must not share memory with a/);
    expectError(() => binary('mul', f(6), view(big, 0, 3), view(big, 2, 6), 'row'), ArgumentError, /^out: must not share memory with b/);
    const a = f(6);
    expectError(() => binary('add', a, a.subarray(0, 3), a, 'row'), ArgumentError, /^out: must not share memory with b/);
    expectError(() => scale(f(4), Infinity), ArgumentError, /^alpha: expected a finite number/);
    expectError(() => axpy(1, f(4), f(3)), ShapeError, /^y: expected 4/);
    expectError(() => axpy(1, view(big, 0, 4), view(big, 2, 4)), ArgumentError, /^y: must not share memory with x/);
  });

  it('scaleAdd / scaleAddBackward / sumRows', () => {
    expectError(() => scaleAdd(f(6), f(6), f(2), 4), ShapeError, /^x: expected a positive multiple of cols = 4/);
    expectError(() => scaleAdd(f(6), f(5), f(3), 3), ShapeError, /^z: expected 6/);
    expectError(() => scaleAdd(f(6), f(6), f(2), 3), ShapeError, /^gamma: expected 3/);
    const z = f(6);
    expectError(() => scaleAdd(f(6), z, f(3), 3, z), ArgumentError, /^out: must not share memory with z/);
    expectError(() => scaleAddBackward(f(6), f(3), f(6), 3, { dgamma: f(2) }), ShapeError, /^opts\.dgamma: expected 3/);
    expectError(() => scaleAddBackward(z, f(3), f(6), 3, { dz: z }), ArgumentError, /^opts\.dz: must not share memory with z/);
    expectError(() => scaleAdd(f(12), f(12), f(3), 3, undefined, f(3)), ShapeError, /^sampleScale: expected a length that divides rows = 4/);
    const big6 = f(12);
    expectError(() => scaleAdd(f(6), f(6), f(3), 3, big6.subarray(0, 6), big6.subarray(5, 7)), ArgumentError, /^out: must not share memory with sampleScale/);
    expectError(() => scaleAddBackward(f(6), f(3), f(6), 3, { sampleScale: f(0) }), ShapeError, /^opts\.sampleScale: expected a length that divides rows = 2/);
    expectError(() => sumRows(f(6), 2, 4), ShapeError, /^x: expected 8 elements/);
    const x = f(6);
    expectError(() => sumRows(x, 2, 3, x.subarray(3, 6)), ArgumentError, /^out: must not share memory with x/);
  });

  it('adamwStep / sgdStep', () => {
    const o = { lr: 0.1, step: 1 };
    expectError(() => adamwStep(f(4), f(3), f(4), f(4), o), ShapeError, /^grad: expected 4/);
    expectError(() => adamwStep(f(4), f(4), f(4), f(4), { lr: 0.1, step: 0 }), ArgumentError, /^options\.step: expected a positive integer/);
    expectError(() => adamwStep(f(4), f(4), f(4), f(4), { ...o, beta1: 1 }), ArgumentError, /^options\.beta1/);
    expectError(() => adamwStep(f(4), f(4), f(4), f(4), { step: 1 } as typeof o), ArgumentError, /^options\.lr/);
    const m = f(4);
    expectError(() => adamwStep(f(4), f(4), m, m, o), ArgumentError, /^m: must not share memory with v/);
    expectError(() => sgdStep(f(4), f(4), undefined, { lr: 0.1, momentum: 0.9 }), ArgumentError, /^momentumBuf: required when options\.momentum != 0/);
    expectError(() => sgdStep(f(4), f(4), f(4), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), ArgumentError, /^options\.nesterov/);
    expectError(() => sgdStep(f(4), f(4), f(5), { lr: 0.1, momentum: 0.9 }), ShapeError, /^momentumBuf: expected 4/);
    const p = f(4);
    expectError(() => sgdStep(p, p, undefined, { lr: 0.1 }), ArgumentError, /^param: must not share memory with grad/);
  });
});

describe.skipIf(!native)('dense kernels: the raw binding checks again (TypeError/RangeError with a code)', () => {
  const n = native!.kernels;
  type Raw = () => unknown;
  function expectRaw(fn: Raw, type: 'TypeError' | 'RangeError', re: RegExp) {
    const err = thrown(fn) as Error & { code?: string };
    expect(err, 'expected a throw').toBeInstanceOf(Error);
    expect(err.name).toBe(type);
    expect(err.code).toBe(type === 'TypeError' ? 'QUADRA_INVALID_TYPE' : 'QUADRA_INVALID_ARGUMENT');
    expect(err.message).toMatch(re);
  }
  const big = f(64);

  it('gemm / linear', () => {
    expectRaw(() => n.Gemm(f(0), f(12), f(0), { m: 0, n: 3, k: 4 }), 'RangeError', /^d\.m: expected a positive integer/);
    expectRaw(() => n.Gemm(f(7), f(12), f(6), { m: 2, n: 3, k: 4 }), 'RangeError', /^a: expected 8 elements, got 7/);
    expectRaw(() => n.Gemm([] as unknown as Float32Array, f(12), f(6), { m: 2, n: 3, k: 4 }), 'TypeError', /^a: expected a Float32Array/);
    expectRaw(() => n.Gemm(f(8), f(12), f(6), { m: 2, n: 3, k: 4, alpha: NaN }), 'RangeError', /^d\.alpha: expected a finite number/);
    expectRaw(() => n.Gemm(f(8), f(12), f(6), { m: 2, n: 3, k: 4, transA: 1 as unknown as boolean }), 'TypeError', /^d\.transA: expected a boolean/);
    expectRaw(() => n.Gemm(view(big, 0, 8), f(12), view(big, 7, 6), { m: 2, n: 3, k: 4 }), 'RangeError', /^c: must not share memory with a/);
    expectRaw(() => n.Gemm(f(8), f(12), f(6), { m: 2 ** 40, n: 2 ** 20, k: 4 }), 'RangeError', /too many/);
    expectRaw(() => n.Linear(f(6), f(12), f(3), f(8), { rows: 2, inFeatures: 3, outFeatures: 4 }), 'RangeError', /^b: expected 4/);
    expectRaw(() => n.Linear(view(big, 0, 6), f(12), null, view(big, 0, 8), { rows: 2, inFeatures: 3, outFeatures: 4 }), 'RangeError', /^y: must not share memory with x/);
    expectRaw(() => n.LinearGrad(f(6), f(12), f(8), { rows: 2, inFeatures: 3, outFeatures: 4 }, f(6), view(big, 0, 12), view(big, 11, 4)), 'RangeError', /^dw: must not share memory with db/);
    expectRaw(() => n.LinearGrad(f(6), f(12), f(8), { rows: 2, inFeatures: 0, outFeatures: 4 }, null, null, null), 'RangeError', /^d\.inFeatures/);
  });

  it('layerNorm / gelu / elementwise / reductions / optimizers', () => {
    expectRaw(() => n.LayerNorm(f(6), 2, 3, null, null, -1, f(6), f(2), f(2)), 'RangeError', /^eps: expected a number >= 0/);
    expectRaw(() => n.LayerNorm(f(6), 2, 3, null, null, 1e-5, f(6), f(3), f(2)), 'RangeError', /^mean: expected 2/);
    const x = f(6);
    expectRaw(() => n.LayerNorm(x, 2, 3, null, null, 1e-5, f(6), x.subarray(0, 2), f(2)), 'RangeError', /^mean: must not share memory with x/);
    expectRaw(() => n.LayerNormGrad(f(6), 2, 3, null, f(2), f(2), x, null, x.subarray(0, 3), null), 'RangeError', /^dgamma: must not share memory with dy/);
    expectRaw(() => n.Gelu(f(4), f(5)), 'RangeError', /^y: expected 4/);
    expectRaw(() => n.Gelu(view(big, 0, 8), view(big, 1, 8)), 'RangeError', /^y: must not share memory with x/);
    expectRaw(() => n.BiasGelu(f(6), f(3), 4, f(6)), 'RangeError', /^h: expected a multiple of cols = 4/);
    expectRaw(() => n.Binary('pow' as BinaryOpName, f(4), f(4), f(4), 'same'), 'RangeError', /^op: expected 'add', 'sub', 'mul' or 'div', got 'pow'/);
    expectRaw(() => n.Binary('add', f(4), f(4), f(4), 'col' as BroadcastMode), 'RangeError', /^mode:/);
    expectRaw(() => n.Binary('add', f(6), f(4), f(6), 'row'), 'RangeError', /^b: expected cols elements/);
    expectRaw(() => n.Binary('add', f(6), f(2), f(6), 'scalar'), 'RangeError', /^b: expected 1 elements/);
    const z = f(6);
    expectRaw(() => n.ScaleAdd(f(6), z, f(3), 3, z), 'RangeError', /^out: must not share memory with z/);
    expectRaw(() => n.ScaleAdd(f(6), f(6), f(3), 4, f(6)), 'RangeError', /^x: expected a positive multiple of cols = 4/);
    expectRaw(() => n.ScaleAddGrad(f(6), f(3), f(6), 3, f(5), null), 'RangeError', /^dz: expected 6/);
    expectRaw(() => n.ScaleAdd(f(12), f(12), f(3), 3, f(12), f(3)), 'RangeError', /^sampleScale: expected a length that divides rows = 4, got 3/);
    const o12 = f(12);
    expectRaw(() => n.ScaleAddGrad(f(6), f(3), f(6), 3, o12.subarray(0, 6), null, o12.subarray(4, 6)), 'RangeError', /^dz: must not share memory with sampleScale/);
    expectRaw(() => n.SumRows(x, 2, 3, x.subarray(0, 3)), 'RangeError', /^out: must not share memory with x/);
    const p = f(4);
    expectRaw(() => n.AdamW(p, f(4), p, f(4), { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 }), 'RangeError', /^p: must not share memory with m/);
    expectRaw(() => n.AdamW(f(4), f(4), f(4), f(4), { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 0 }), 'RangeError', /^h\.step/);
    expectRaw(() => n.Sgd(f(4), f(4), null, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, step: 2 }), 'RangeError', /^buf: required/);
    expectRaw(() => n.Sgd(f(4), f(4), f(4), { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0, nesterov: true, step: 2 }), 'RangeError', /^h\.nesterov/);
  });
});
