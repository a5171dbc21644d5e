/**
 * The tfjs peer of `bench infer` computes our model: tiny QuadraNets (QuadraBlock, ConvNeXt and
 * skip blocks, the 3×3 and patchify stems) on tfjs's cpu backend (and wasm's) give our logits within 1e-4
 * relative L2, with every layer scale, bias and LayerNorm affine non-trivial (so the layer-scale
 * folding is exercised); a block it cannot translate is a typed error naming its path; the
 * `--json` line and the chart are well formed (no timing: the results are made up).
 */
import { noGrad, tensor } from '@quadranet/core';
import { createModel, QuadraNet, relErr, SMALL_IMAGE_STEM } from '@quadranet/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { inferChartSvg } from '../src/infer-chart.js';
import { inferJsonLine, LOGITS_TOLERANCE, type InferBenchResult } from '../src/infer.js';
import type { Machine } from '../src/machine.js';
import { TfjsModelError, tfjsQuadraNet } from '../src/tfjs-model.js';
import { useBackend } from '../src/tfjs.js';
import { exerciseWeights } from '../src/weights.js';

function image(n: number, h: number, c: number, seed: number): Float32Array {
  const x = new Float32Array(n * h * h * c);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37 + seed);
  return x;
}

/** Relative L2 distance of the tfjs cpu logits from ours on an n×h×h×c input. */
function compare(model: QuadraNet, n: number, h: number): number {
  exerciseWeights(model, 7);
  model.eval();
  const c = model.options.inChannels;
  const x = image(n, h, c, 0.5);
  const xt = tensor(x, [n, h, h, c]);
  const ours = noGrad(() => {
    const y = model.forward(xt);
    const d = Float32Array.from(y.data());
    y.dispose();
    return d;
  });
  xt.dispose();
  const net = tfjsQuadraNet(model);
  const xs = tf.tensor4d(x, [n, h, h, c]);
  const held = tf.memory().numTensors;
  const theirs = tf.tidy(() => net.predict(xs).dataSync()) as Float32Array;
  expect(tf.memory().numTensors).toBe(held); // the forward frees its intermediates
  xs.dispose();
  net.dispose();
  expect(tf.memory().numTensors).toBe(0); // dispose() frees the uploaded weights
  model.dispose();
  expect(theirs.length).toBe(ours.length);
  return relErr(theirs, ours);
}

describe('tfjs QuadraNet (bench infer peer)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('quadranet25_xxs (3×3 stem, 28×28, 1 channel) gives our logits', () => {
    const model = createModel('quadranet25_xxs', { numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM });
    const err = compare(model, 2, 28);
    console.log(`quadranet25_xxs 28x28 tfjs-cpu vs ours: relative L2 ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(LOGITS_TOLERANCE);
  });

  it('QuadraBlock, ConvNeXt and skip stages behind the patchify stem give our logits', () => {
    const model = new QuadraNet({ depths: [1, 2, 1], dims: [8, 16, 24], numClasses: 5, kernelSizes: [3, 5, 7], expansions: [4, 2, 3], block: ['quadra', 'conv', 'skip'] });
    const err = compare(model, 3, 32);
    expect(err).toBeLessThanOrEqual(LOGITS_TOLERANCE);
  });

  it('a block without a tfjs translation is a TfjsModelError naming its path', () => {
    const model = new QuadraNet({ depths: [1], dims: [16], numClasses: 3, block: 'hor' });
    expect(() => tfjsQuadraNet(model)).toThrowError(TfjsModelError);
    expect(() => tfjsQuadraNet(model)).toThrowError(/HorBlock \(stages\.0\.0\)/);
    expect(tf.memory().numTensors).toBe(0); // nothing uploaded is left behind
    model.dispose();
  });
});

describe('tfjs QuadraNet on the wasm backend', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('QuadraBlock and ConvNeXt stages give our logits (wasm\'s own fused kernels)', () => {
    const model = new QuadraNet({ depths: [1, 1], dims: [8, 16], numClasses: 5, kernelSizes: [3, 7], block: ['quadra', 'conv'] });
    expect(compare(model, 2, 32)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
  });
});

const MACHINE: Machine = { cpu: 'test cpu', cores: 2, simd: 'AVX3', threads: 2, peakGflops: 400, peakReadings: [400], probe: () => 400 };

function result(batch: number): InferBenchResult {
  const s = (ms: number, threads: number) => ({
    ms, ips: (1000 * batch) / ms, p10_ms: ms * 0.9, p90_ms: ms * 1.2, min_ms: ms * 0.8, max_ms: ms * 1.5, runs: 5, threads, rss_mb: 300,
  });
  return {
    model: 'quadranet36_t', batch, size: 224, gmacs_per_image: 4.5,
    ours: { ...s(100, 2), memory_live_mb: 100, memory_peak_mb: 150, profile: { total_ms: 100, outside_kernels_ms: 5, kernels: [{ kernel: 'LinearPacked', calls: 72, ms: 60, flops: 0, bytes: 0 }] } },
    peers: {
      onnxruntime: { ...s(120, 2), ratio: 1.2, rel_l2: 3e-7 },
      'tfjs-wasm': { ...s(900, 1), ratio: 9, rel_l2: 2e-7, tf_mb: 95, note: 'wasm' },
      'tfjs-cpu': { ips: null, error: 'logits differ from ours: relative L2 1e-2 > 0.0001', rel_l2: 1e-2 },
    },
  };
}

describe('bench infer output', () => {
  it('--json prints one parseable line with model, batch, ours_ips and peers.<name>.ips', () => {
    const line = inferJsonLine(result(8), MACHINE);
    expect(line).not.toContain('\n');
    const j = JSON.parse(line);
    expect(Object.keys(j).slice(0, 4)).toEqual(['model', 'batch', 'ours_ips', 'peers']);
    expect(j).toMatchObject({ model: 'quadranet36_t', batch: 8, ours_ips: 80, threads: 2, machine: { cpu: 'test cpu', threads: 2 } });
    expect(Object.keys(j.peers)).toEqual(['onnxruntime', 'tfjs-wasm', 'tfjs-cpu']);
    expect(j.peers.onnxruntime).toMatchObject({ ips: 66.667, ms: 120, p10: 108, p90: 144, ratio: 1.2, threads: 2, rss_mb: 300, runs: 5 });
    expect(j.peers['tfjs-wasm'].threads).toBe(1);
    expect(j.peers['tfjs-cpu']).toMatchObject({ ips: null, error: expect.stringContaining('relative L2') });
    for (const k of ['ms', 'p10', 'p90', 'rss_mb', 'memory_peak_mb']) expect(typeof j[k]).toBe('number');
  });

  it('--chart renders an SVG with a bar per engine that ran', async () => {
    const svg = await inferChartSvg([result(1), result(8)], MACHINE);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const s of ['quadranet36_t', 'batch 1', 'batch 8', 'ours', 'onnxruntime', 'tfjs-wasm']) expect(svg).toContain(s);
    expect(svg).not.toContain('tfjs-cpu'); // failed: no bar
  });
});
