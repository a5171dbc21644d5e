// Bad input never aborts the process: the TS layer throws a typed error naming the argument,
// and the native binding, called directly, throws a TypeError/RangeError with a code.
import { describe, expect, it } from 'vitest';

import {
  ArgumentError, DTypeError, dwconv2d, dwconv2dBackward, limitSimd, nativeLoadError, quadconv2d,
  quadconv2dBackward, requireNative, setThreads, ShapeError,
} from '../src/index.js';
import type { NativeModule } from '../src/native.js';
import { thrown } from './helpers.js';

const s = { n: 1, h: 4, w: 5, c: 3 };
const k = 3;
const count = 60;
const taps = 27;
const f = (n: number) => new Float32Array(n);
const good = () => ({ wa: f(taps), ba: f(3), wb: f(taps), bb: f(3), wc: f(taps), bc: f(3) });

type Thrower = () => unknown;
function expectError(fn: Thrower, type: new (...a: never[]) => Error, name: RegExp) {
  const err = thrown(fn);
  expect(err, 'expected a throw').toBeInstanceOf(type);
  expect((err as Error).message).toMatch(name);
}

describe('quadconv2d / quadconv2dBackward argument checks', () => {
  const badShapes: [string, unknown, RegExp][] = [
    ['zero n', { ...s, n: 0 }, /shape\.n/],
    ['negative h', { ...s, h: -2 }, /shape\.h/],
    ['fractional w', { ...s, w: 2.5 }, /shape\.w/],
    ['NaN c', { ...s, c: NaN }, /shape\.c/],
    ['missing c', { n: 1, h: 4, w: 5 }, /shape\.c/],
    ['string n', { ...s, n: '1' }, /shape\.n/],
    ['null shape', null, /shape/],
    ['huge', { n: 1 << 16, h: 1 << 16, w: 2, c: 1 }, /shape/],
  ];
  for (const [what, shape, re] of badShapes) {
    it(`rejects shape: ${what}`, () => {
      expectError(() => quadconv2d(f(count), shape as typeof s, good(), k), ArgumentError, re);
      expectError(() => quadconv2dBackward(f(count), shape as typeof s, good(), k, f(count)), ArgumentError, re);
    });
  }

  for (const badK of [0, -1, 2, 4, 2.5, 33, NaN, '3']) {
    it(`rejects k = ${String(badK)}`, () => {
      expectError(() => quadconv2d(f(count), s, good(), badK as number), ArgumentError, /^k: expected an odd kernel size in \[1, 31\]/);
      expectError(() => dwconv2d(f(count), s, { w: f(taps) }, badK as number), ArgumentError, /^k:/);
    });
  }

  it('rejects wrong buffer lengths, naming the buffer', () => {
    expectError(() => quadconv2d(f(count - 1), s, good(), k), ShapeError, /^x: expected 60 elements, got 59/);
    expectError(() => quadconv2d(f(count), s, { ...good(), wb: f(taps + 1) }, k), ShapeError, /^weights\.wb: expected 27/);
    expectError(() => quadconv2d(f(count), s, { ...good(), bc: f(4) }, k), ShapeError, /^weights\.bc: expected 3/);
    expectError(() => quadconv2d(f(count), s, good(), k, { out: f(10) }), ShapeError, /^opts\.out:/);
    expectError(() => quadconv2dBackward(f(count), s, good(), k, f(count + 2)), ShapeError, /^dy: expected 60/);
    expectError(() => quadconv2dBackward(f(count), s, good(), k, f(count), { saved: { a: f(count), b: f(3) } }), ShapeError, /^opts\.saved\.b/);
    expectError(() => quadconv2dBackward(f(count), s, good(), k, f(count), { out: { dwc: f(2) } }), ShapeError, /^opts\.out\.dwc/);
    expectError(() => dwconv2dBackward(f(count), s, { w: f(taps) }, k, f(count), { out: { db: f(1) } }), ShapeError, /^opts\.out\.db/);
  });

  it('rejects data that is not a Float32Array', () => {
    expectError(() => quadconv2d(new Float64Array(count) as unknown as Float32Array, s, good(), k), DTypeError, /^x: expected a Float32Array, got a Float64Array/);
    expectError(() => quadconv2d(Array(count).fill(0) as unknown as Float32Array, s, good(), k), DTypeError, /^x: .*an Array/);
    expectError(() => quadconv2d(null as unknown as Float32Array, s, good(), k), DTypeError, /^x: .*null/);
    expectError(() => quadconv2d(f(count), s, { ...good(), wa: new Int32Array(taps) as unknown as Float32Array }, k), DTypeError, /^weights\.wa/);
    expectError(() => dwconv2d(f(count), s, { w: 'w' as unknown as Float32Array }, k), DTypeError, /^weights\.w/);
  });

  it('rejects missing weights', () => {
    const { wb: _wb, ...noWb } = good();
    expectError(() => quadconv2d(f(count), s, noWb as ReturnType<typeof good>, k), DTypeError, /^weights\.wb: expected a Float32Array, got undefined/);
    expectError(() => quadconv2d(f(count), s, undefined as unknown as ReturnType<typeof good>, k), ArgumentError, /^weights: expected an object/);
    expectError(() => dwconv2d(f(count), s, {} as { w: Float32Array }, k), DTypeError, /^weights\.w/);
  });

  it('rejects an output that shares memory with an input', () => {
    const x = f(count);
    expectError(() => quadconv2d(x, s, good(), k, { out: x }), ArgumentError, /^opts\.out: must not share memory with x/);
    const big = f(2 * count);
    expectError(() => dwconv2d(big.subarray(0, count), s, { w: f(taps) }, k, { out: big.subarray(count - 1, 2 * count - 1) }), ArgumentError, /opts\.out/);
    const dy = f(count);
    expectError(() => quadconv2dBackward(f(count), s, good(), k, dy, { out: { dx: dy } }), ArgumentError, /opts\.out\.dx: must not share memory with dy/);
  });

  it('rejects bad settings', () => {
    expectError(() => setThreads(-1), ArgumentError, /^setThreads: n must be an integer in \[0, 4096\]/);
    expectError(() => setThreads(1.5), ArgumentError, /^setThreads: n must be an integer in \[0, 4096\]/);
  });
});

// The binding checks again in C++: call it directly with what the TS layer would have stopped.
describe.skipIf(nativeLoadError() !== null)('native binding checks', () => {
  const native: NativeModule = nativeLoadError() === null ? requireNative() : (undefined as never);
  const cases: [string, Thrower, string, RegExp][] = [
    ['x not a Float32Array', () => native.kernels.QuadConv2d([] as unknown as Float32Array, s, k, good(), f(count), null), 'TypeError', /^x: expected a Float32Array/],
    ['x too short', () => native.kernels.QuadConv2d(f(count - 1), s, k, good(), f(count), null), 'RangeError', /^x: expected 60 elements, got 59/],
    ['even k', () => native.kernels.QuadConv2d(f(count), s, 4, good(), f(count), null), 'RangeError', /^k: expected an odd kernel size/],
    ['k = 33', () => native.kernels.DwConv2d(f(count), s, 33, f(33 * 33 * 3), null, f(count)), 'RangeError', /^k:/],
    ['zero h', () => native.kernels.QuadConv2d(f(count), { ...s, h: 0 }, k, good(), f(count), null), 'RangeError', /^shape\.h/],
    ['shape not an object', () => native.kernels.QuadConv2d(f(count), 5 as unknown as typeof s, k, good(), f(count), null), 'TypeError', /^shape:/],
    ['missing w.wc', () => native.kernels.QuadConv2d(f(count), s, k, { ...good(), wc: undefined as unknown as Float32Array }, f(count), null), 'TypeError', /^w\.wc/],
    ['bias wrong length', () => native.kernels.QuadConv2d(f(count), s, k, { ...good(), ba: f(7) }, f(count), null), 'RangeError', /^w\.ba: expected 3/],
    ['y aliases x', () => { const x = f(count); native.kernels.QuadConv2d(x, s, k, good(), x, null); }, 'RangeError', /^y: must not share memory with x/],
    ['g missing', () => native.kernels.QuadConv2dGrad(f(count), s, k, good(), f(count), null, undefined as never), 'TypeError', /^g:/],
    ['g.dwa missing', () => native.kernels.QuadConv2dGrad(f(count), s, k, good(), f(count), null, { dx: f(count) } as never), 'TypeError', /^g\.dwa/],
    ['saved.b wrong length', () => native.kernels.QuadConv2dGrad(f(count), s, k, good(), f(count), { a: f(count), b: f(1) }, {} as never), 'RangeError', /^saved\.b/],
    ['dw wrong length', () => native.kernels.DwConv2dGrad(f(count), s, k, f(taps), f(count), f(count), f(taps - 1), f(s.c)), 'RangeError', /^dw/],
    ['threads negative', () => native.setThreads(-3), 'RangeError', /^threads:/],
    ['unknown SIMD target', () => native.limitSimd('AVX9000'), 'RangeError', /AVX9000/],
    ['alignOffset of a non-buffer', () => native.alignOffset({} as ArrayBuffer), 'TypeError', /^buffer:/],
  ];
  for (const [what, fn, type, re] of cases) {
    it(`throws ${type} for ${what}`, () => {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe(type);
      expect((err as Error).message).toMatch(re);
      expect((err as { code?: string }).code).toMatch(/^QUADRA_/);
    });
  }

  it('limitSimd rejects an unknown target with an ArgumentError', () => {
    expectError(() => limitSimd('NEON9'), ArgumentError, /NEON9/);
  });
});
