import { describe, expect, it } from 'vitest';
import {
  architectureOps, FASHION_MNIST_SPACE, LatencyPredictor, PredictorError, predictionQuality, predictorSampleOps, sampleArchitectures, type LutEntry,
} from '../src/index.js';
import { fakeLut, fakeMs } from './lut-helpers.js';

describe('latency predictor', () => {
  const extra = predictorSampleOps(FASHION_MNIST_SPACE, 300, 7);
  const lut = fakeLut(FASHION_MNIST_SPACE, extra);
  const predictor = LatencyPredictor.fromLut(lut, { trees: 32 });

  it('fits a forest per op kind and predicts ops it was not fitted on', () => {
    expect(predictor.kinds).toEqual(['stem', 'downsample', 'block', 'head']);
    const held = predictorSampleOps(FASHION_MNIST_SPACE, 100, 8).filter((op) => op.kind === 'block');
    const q = predictionQuality(held.map((op) => ({ predicted: predictor.predictOp(op), measured: fakeMs(op) })));
    expect(q.withinShare).toBeGreaterThan(0.8);
  });

  it('an architecture is its fixed ops plus its blocks; skip is 0', () => {
    const [choices] = sampleArchitectures(FASHION_MNIST_SPACE, 1, 3);
    choices[2] = 'skip';
    const p = predictor.predictArchitecture(FASHION_MNIST_SPACE, choices);
    expect(p.blocks[2]).toBe(0);
    expect(p.total).toBeCloseTo(p.fixed + p.blocks.reduce((a, b) => a + b, 0), 12);
    const ops = architectureOps(FASHION_MNIST_SPACE, choices);
    expect(p.fixed).toBeCloseTo(predictor.predictOps(ops.slice(0, 4)).reduce((a, b) => a + b, 0), 12);
    // with a table, the fixed part is its measurement and the blocks stay predicted
    const withTable = predictor.predictArchitecture(FASHION_MNIST_SPACE, choices, lut);
    expect(withTable.fixed).toBeCloseTo(ops.slice(0, 4).reduce((a, op) => a + fakeMs(op), 0), 12);
    expect(withTable.blocks).toEqual(p.blocks);
  });

  it('an op kind it has no model for is a PredictorError, never 0 ms', () => {
    const blocksOnly: LutEntry[] = Object.values(lut.entries).filter((e) => e.op.kind === 'block');
    const p = LatencyPredictor.fit(blocksOnly, { trees: 4 });
    expect(() => p.predictOp({ kind: 'head', batch: 32, h: 3, w: 3, cin: 64, cout: 10, k: 0, stride: 1, padding: 0, expansion: 0 }))
      .toThrow(PredictorError);
    expect(() => p.predictArchitecture(FASHION_MNIST_SPACE, sampleArchitectures(FASHION_MNIST_SPACE, 1)[0])).toThrow(/no latency model for 'stem' ops/);
  });

  it('survives a JSON round trip with the same predictions', () => {
    const again = LatencyPredictor.fromJSON(JSON.parse(JSON.stringify(predictor.toJSON())));
    const ops = predictorSampleOps(FASHION_MNIST_SPACE, 20, 9);
    expect(again.predictOps(ops)).toEqual(predictor.predictOps(ops));
    expect(() => LatencyPredictor.fromJSON({ format: 'x' } as never)).toThrow(/expected format/);
  });

  it('prediction quality: share within ±10 % and RMSPE', () => {
    const q = predictionQuality([{ predicted: 1.05, measured: 1 }, { predicted: 0.8, measured: 1 }, { predicted: 2, measured: 2 }, { predicted: 1.09, measured: 1 }]);
    expect(q.n).toBe(4);
    expect(q.withinShare).toBe(0.75);
    expect(q.rmspe).toBeCloseTo(100 * Math.sqrt((0.05 ** 2 + 0.2 ** 2 + 0 + 0.09 ** 2) / 4), 9);
  });
});
