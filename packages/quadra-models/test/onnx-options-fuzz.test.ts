/**
 * Fuzzes the ONNX export's inputs (fast-check): graph options (height, width, batch, opset,
 * metadata) valid or not for small models of every exportable block kind, and QuadraNet options
 * (depths, dims, kernel sizes, expansions, stems, block kinds, unknown keys) valid or not. Each
 * input gives a model and an encoded ONNX file, or ArgumentError / ExportError; nothing else.
 * QUADRA_FUZZ_RUNS scales the run.
 */
import { FuzzTally, fuzzParams } from '@quadranet/core/testing';
import { ArgumentError } from '@quadranet/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeOnnx, ExportError, PATCH4_STEM, QuadraNet, quadraNetToOnnx, SMALL_IMAGE_STEM, type QuadraNetOptions } from '../src/index.js';

const junk = fc.constantFrom<unknown>(undefined, null, -1, 0, 0.5, NaN, Infinity, 2 ** 53, '8', 'dynamic', true, [], {});
// Model options: huge sizes only where the constructor bounds them (depths, dims); a huge class
// count or expansion is a valid request for more memory than there is (RangeError from the allocator).
const modelJunk = fc.constantFrom<unknown>(undefined, null, -1, 0, 0.5, NaN, Infinity, '8', true, [], {});
const hugeSize = fc.constantFrom(2 ** 20, 2 ** 31, 2 ** 53);
const size = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: junk });
const graphArb = fc.record({
  height: size,
  width: size,
  batch: fc.oneof(fc.constant(undefined), fc.constant('dynamic'), fc.integer({ min: 1, max: 4 }), junk),
  opset: fc.oneof(fc.constant(undefined), fc.integer({ min: 15, max: 23 }), junk),
  metadata: fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }), { nil: undefined }),
}, { requiredKeys: ['height', 'width'] });

const small = fc.integer({ min: 1, max: 12 });
const list = (a: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: fc.array(a, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: modelJunk });
const modelArb = fc.record({
  depths: list(fc.oneof(fc.integer({ min: 0, max: 2 }), modelJunk, hugeSize)),
  dims: list(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 16 }) }, { weight: 1, arbitrary: fc.oneof(modelJunk, hugeSize) })),
  numClasses: fc.oneof(small, modelJunk),
  inChannels: fc.oneof(fc.integer({ min: 1, max: 3 }), modelJunk),
  kernelSizes: fc.oneof(fc.constant(undefined), list(fc.oneof(fc.constantFrom(1, 3, 5, 7), modelJunk))),
  expansions: fc.oneof(fc.constant(undefined), list(fc.oneof(fc.integer({ min: 1, max: 4 }), modelJunk))),
  stem: fc.oneof(fc.constant(SMALL_IMAGE_STEM), fc.constant(PATCH4_STEM), fc.record({ kernel: fc.oneof(small, modelJunk), stride: fc.oneof(small, modelJunk), padding: fc.oneof(fc.nat(3), modelJunk) }), modelJunk),
  block: fc.oneof(fc.constantFrom('quadra', 'conv', 'hor', 'swin', 'skip', 'mlp'), fc.array(fc.constantFrom('quadra', 'conv', 'swin'), { maxLength: 2 }), modelJunk),
  layerScaleInit: fc.oneof(fc.constant(undefined), fc.double({ min: -1, max: 1, noNaN: true }), modelJunk),
  dropPathRate: fc.oneof(fc.constant(undefined), fc.double({ min: 0, max: 1, noNaN: true }), modelJunk),
}, { requiredKeys: ['depths', 'dims'] }).chain((o) => fc.boolean().map((extra) => (extra ? { ...o, bogus: 1 } : o)));

const tally = new FuzzTally();

function exportOne(model: QuadraNet, o: unknown): void {
  try {
    const proto = quadraNetToOnnx(model, o as Parameters<typeof quadraNetToOnnx>[1]);
    expect(encodeOnnx(proto).length).toBeGreaterThan(0);
  } catch (e) {
    if (!(e instanceof ArgumentError || e instanceof ExportError)) throw e;
    tally.reject(e.message);
    return;
  }
  tally.accepted++;
}

describe('ONNX export inputs (fuzz)', () => {
  const { numRuns, seed } = fuzzParams('onnx-fuzz', 300);
  afterAll(() => console.log(tally.summary('onnx-fuzz')));
  const models = (['quadra', 'conv', 'hor', 'swin'] as const).map((block) => {
    const m = new QuadraNet({ depths: [1, 1], dims: [8, 16], numClasses: 3, kernelSizes: [3, 3], stem: PATCH4_STEM, block });
    m.eval();
    return m;
  });
  afterAll(() => models.forEach((m) => m.dispose()));

  it('graph options, valid or not, for each block kind', () => {
    fc.assert(fc.property(fc.nat(models.length - 1), graphArb, (i, o) => exportOne(models[i], o)), { numRuns, seed });
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
  });

  it('model options, valid or not, then an export at 32x32', () => {
    fc.assert(fc.property(modelArb, (o) => {
      let model: QuadraNet;
      try {
        model = new QuadraNet(o as unknown as QuadraNetOptions);
      } catch (e) {
        if (!(e instanceof ArgumentError)) throw e;
        tally.reject(e.message);
        return;
      }
      try {
        model.eval();
        exportOne(model, { height: 32, width: 32 });
      } finally {
        model.dispose();
      }
    }), { numRuns, seed });
  });
});
