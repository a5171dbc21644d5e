// broadcastBinary: native vs reference on every SIMD target over random 1-5 axis broadcasts (each
// operand with dropped leading axes and size-1 axes), an outShape bigger than both operands, in
// place; error cases. Float32 +-*/ round the same as the reference's float64 op then fround:
// the results match exactly.
import { describe, expect, it } from 'vitest';

import { ArgumentError, broadcastBinary, ShapeError, type BinaryOpName } from '../src/index.js';
import { broadcastBinaryRef } from '../src/reference/index.js';
import { pick, randomF32, rng, thrown } from './helpers.js';
import { firstMismatch, randomShape, sizeOf } from './shapes.js';
import { forEachTarget, native, SEED } from './targets.js';

const OPS: BinaryOpName[] = ['add', 'sub', 'mul', 'div'];

/** `out` with some leading axes dropped and some axes set to 1. */
function operandShape(rand: () => number, out: number[]): number[] {
  const drop = rand() < 0.3 ? Math.floor(rand() * out.length) : 0;
  return out.slice(drop).map((d) => (rand() < 0.35 ? 1 : d));
}

function check(rand: () => number, op: BinaryOpName, as: number[], bs: number[], os: number[]): void {
  const a = randomF32(rand, sizeOf(as)), b = randomF32(rand, sizeOf(bs)).map((v) => v + (v < 0 ? -0.5 : 0.5));
  const want = new Float32Array(sizeOf(os));
  broadcastBinaryRef(op, a, as, b, bs, want, os);
  const got = broadcastBinary(op, a, as, b, bs, undefined, os);
  expect(firstMismatch(got, want), `${op} ${as} with ${bs} to ${os}`).toBe(-1);
}

forEachTarget('broadcastBinary native vs reference', (target, ti) => {
  const rand = rng(SEED * 19 + ti);
  for (let nd = 1; nd <= 5; nd++) {
    it(`${nd} axes, random broadcasts, every op`, () => {
      for (let i = 0; i < (ti === 0 ? 30 : 8); i++) {
        const os = randomShape(rand, nd);
        check(rand, pick(rand, OPS), operandShape(rand, os), operandShape(rand, os), os);
      }
    });
  }
  it('outShape bigger than both operands; scalars; a broadcast along leading and middle axes', () => {
    check(rand, 'add', [4, 1, 7], [], [4, 5, 7]);
    check(rand, 'sub', [], [3, 1], [2, 3, 65]);
    check(rand, 'div', [1], [1], [1]);
    check(rand, 'mul', [8, 2, 49, 49], [1, 2, 49, 49], [8, 2, 49, 49]);
    check(rand, 'add', [8, 4, 2, 49, 49], [4, 1, 49, 49], [8, 4, 2, 49, 49]);
    check(rand, 'sub', [8, 1, 17], [1, 9, 17], [8, 9, 17]);
  });
  it('in place: out = a', () => {
    const a = randomF32(rand, 2 * 3 * 17), b = randomF32(rand, 17);
    const want = broadcastBinary('mul', a, [2, 3, 17], b, [1, 17]);
    const ai = a.slice();
    expect(broadcastBinary('mul', ai, [2, 3, 17], b, [1, 17], ai)).toBe(ai);
    expect(firstMismatch(ai, want)).toBe(-1);
  });
});

describe('broadcastBinary errors', () => {
  const a = new Float32Array(6), b = new Float32Array(3);
  it('names the bad argument', () => {
    expect(thrown(() => broadcastBinary('add', a, [2, 3], b, [4]))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => broadcastBinary('add', a, [2, 3], b, [3], undefined, [2, 4])))).toMatch(/aShape/);
    expect(thrown(() => broadcastBinary('pow' as BinaryOpName, a, [2, 3], b, [3]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => broadcastBinary('add', a, [2, 4], b, [3]))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => broadcastBinary('add', a, [2, 3], b, [3], new Float32Array(a.buffer, 4, 5) as Float32Array)))).toMatch(/out/);
    expect(String(thrown(() => broadcastBinary('add', a, [2, 3], a.subarray(0, 3), [3], a)))).toMatch(/out: must not share memory with b/);
  });
  it.skipIf(!native)('the C++ side rechecks (RangeError, no abort)', () => {
    expect(thrown(() => native!.kernels.BroadcastBinary('add', a, [2, 3], b, [3], new Float32Array(8), [2, 4]))).toBeInstanceOf(RangeError);
    expect(thrown(() => native!.kernels.BroadcastBinary('add', a, [2, 3], b, [3], a.subarray(0, 3) as Float32Array, [3]))).toBeInstanceOf(RangeError);
  });
});
