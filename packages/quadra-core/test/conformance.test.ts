/**
 * Conformance: every op's forward and backward on the native cpu backend and on the cuda backend
 * against the reference backend, float32, seeded shapes that straddle SIMD widths (the cases live
 * in src/testing so that bench/gpu can run them with plain Node on a GPU machine). Each backend's
 * block is skipped, with the reason printed, when that backend is not present.
 */
import { nativeLoadError } from '@quadranet/lib';
import { afterAll, describe, expect, it } from 'vitest';
import * as q from '../src/index.js';
import { checkCase, checkOptimizers, CONFORMANCE_CASES, CONFORMANCE_SIZES, CUDA_SKIPS } from '../src/testing/index.js';
import { SEED } from './helpers.js';

const native = nativeLoadError() === null;
const cuda = q.deviceAvailability('cuda');

function expectPass(r: ReturnType<typeof checkCase>): void {
  expect(r.error, r.error).toBeUndefined();
  expect(r.outErr, 'forward').toBeLessThan(r.tol);
  r.gradErrs.forEach((e, i) => expect(e, `grad of input ${i}`).toBeLessThan(r.tol * 10));
}

describe.skipIf(!native)(`native cpu backend vs reference (seed ${SEED})`, () => {
  afterAll(() => q.setBackend('cpu'));
  for (const cs of CONFORMANCE_CASES) {
    it.each(CONFORMANCE_SIZES)(`${cs.name}, C=%i`, (c) => expectPass(checkCase(cs, c, 'cpu', SEED)));
  }
});

describe.runIf(!native)('native cpu backend', () => {
  it('is skipped: the native module did not load', () => {
    console.warn(`conformance (cpu) skipped: ${nativeLoadError()?.message.split('\n')[0]}`);
  });
});

describe.skipIf(!cuda.available)(`cuda backend vs reference (seed ${SEED})`, () => {
  for (const cs of CONFORMANCE_CASES) {
    const skip = CUDA_SKIPS[cs.name];
    it.skipIf(skip !== undefined).each(CONFORMANCE_SIZES)(`${cs.name}, C=%i${skip ? ` (skipped: ${skip})` : ''}`, (c) => expectPass(checkCase(cs, c, 'cuda', SEED)));
  }
  it('optimizer steps and gradient clipping agree', () => {
    const r = checkOptimizers('cuda');
    expect(r.error, r.error).toBeUndefined();
    expect(r.err).toBeLessThan(1e-6);
  });
});

describe.runIf(!cuda.available)('cuda backend', () => {
  it('is skipped: cuda is not available here', () => {
    console.warn(`conformance (cuda) skipped: ${cuda.reason}`);
  });
});

describe('optimizer kernels: native vs reference', () => {
  it.skipIf(!native)('AdamW and SGD steps (with clipGradNorm) agree', () => {
    const r = checkOptimizers('cpu');
    expect(r.error, r.error).toBeUndefined();
    expect(r.err).toBeLessThan(1e-6);
  });
});
