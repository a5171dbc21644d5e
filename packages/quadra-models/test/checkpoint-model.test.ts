/**
 * Self-describing checkpoints: train() saves the model spec; the model is rebuilt from it alone for
 * predictions on safetensors, .npy and image input, and for the PyTorch export round trip.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError, exportPyTorch, FASHION_MNIST_CLASSES, specFromConfig, infer, loadCheckpointModel, predict, readCheckpointState, readModelSpec, topK, train, TRAIN_DEFAULTS,
  type TrainConfig, type TrainState,
} from '../src/index.js';
import { npyBytes } from './npy-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-ckpt-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ckpt = join(root, 'run', 'checkpoint.safetensors');
const config: TrainConfig = {
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 1, batchSize: 64, limit: 128, workers: 0, depths: [1, 1], width: 8, stem: 'small',
};

// One image (N=1, C=1, 28x28), uint8 pixels and the same as float model input.
const pixels = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 37) % 256);
const normalised = Float32Array.from(pixels, (v) => (v / 255 - 0.1) / 0.25); // the synthetic set's mean and std

function logitsOf(x: Float32Array): Float32Array {
  const { model } = loadCheckpointModel(ckpt);
  try {
    return q.noGrad(() => Float32Array.from(model.forward(q.tensor(x, [1, 28, 28, 1])).data()));
  } finally {
    model.dispose();
  }
}

beforeAll(async () => {
  await train(config, join(root, 'run'), false);
}, 120_000);

describe('self-describing checkpoints', () => {
  it('train() saves the architecture, input size, normalisation and name', () => {
    const { spec } = readModelSpec(ckpt);
    expect(spec).toEqual({
      name: 'quadranet25_xxs',
      architecture: { depths: [1, 1], dims: [8, 16], numClasses: 10, inChannels: 1, kernelSizes: [7, 7], expansions: [4, 4], stem: { kernel: 3, stride: 1, padding: 1 }, block: ['quadra', 'quadra'], layerScaleInit: 1e-6 },
      input: [28, 28, 1],
      normalize: { mean: [0.1], std: [0.25] },
    });
  });

  it('a checkpoint without a spec (older) gets the one its configuration implies', () => {
    const { state, tensors } = readCheckpointState<TrainConfig>(ckpt);
    const old = join(root, 'old.safetensors');
    const { model: _drop, ...rest } = state;
    q.saveTensors(old, tensors, { format: 'quadranet-checkpoint/1', state: JSON.stringify(rest) });
    expect(readModelSpec(old).spec).toEqual(readModelSpec(ckpt).spec);
  });

  it('a Fashion-MNIST configuration implies its normalisation and class names, which predictions carry', () => {
    const spec = specFromConfig({ ...config, dataset: 'fashion-mnist' });
    expect(spec).toMatchObject({ input: [28, 28, 1], normalize: { mean: [0.286], std: [0.353] }, classNames: FASHION_MNIST_CLASSES });
    const { state, tensors } = readCheckpointState<TrainConfig>(ckpt);
    const named = join(root, 'named.safetensors');
    q.saveTensors(named, tensors, { format: 'quadranet-checkpoint/1', state: JSON.stringify({ ...state, model: { ...state.model, classNames: FASHION_MNIST_CLASSES } }) });
    const x = join(root, 'named-x.npy');
    writeFileSync(x, npyBytes('|u1', [1, 28, 28], pixels));
    const r = predict({ checkpoint: named, input: x, topK: 10 });
    expect(r.top[0].map((c) => c.name)).toEqual(r.top[0].map((c) => FASHION_MNIST_CLASSES[c.index]));
  });

  it('a spec that does not describe a model is a CheckpointError', () => {
    const { state, tensors } = readCheckpointState<TrainConfig>(ckpt);
    const bad = join(root, 'bad.safetensors');
    const s = state as TrainState<TrainConfig>;
    q.saveTensors(bad, tensors, { format: 'quadranet-checkpoint/1', state: JSON.stringify({ ...s, model: { ...s.model, input: [28, 28] } }) });
    expect(() => readModelSpec(bad)).toThrow(CheckpointError);
    q.saveTensors(bad, tensors, { format: 'quadranet-checkpoint/1', state: JSON.stringify({ ...s, model: { ...s.model!, architecture: { ...s.model!.architecture, dims: [8] } } }) });
    expect(() => loadCheckpointModel(bad)).toThrow(/the model spec does not build/);
  });

  it('predict(): float .npy is model input as is, uint8 .npy and PNG are normalised pixels; all give the same logits', () => {
    const want = logitsOf(normalised);
    const f = join(root, 'x.npy');
    writeFileSync(f, npyBytes('<f4', [1, 1, 28, 28], normalised));
    const u = join(root, 'u.npy');
    writeFileSync(u, npyBytes('|u1', [1, 28, 28], pixels));
    const png = new PNG({ width: 28, height: 28 });
    pixels.forEach((v, i) => png.data.set([v, v, v, 255], 4 * i));
    const p = join(root, 'x.png');
    writeFileSync(p, PNG.sync.write(png));
    for (const input of [f, u, p]) {
      const r = predict({ checkpoint: ckpt, input, topK: 3 });
      expect(r.inputShape).toEqual([1, 28, 28, 1]);
      r.logits.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
      expect(r.top).toEqual(topK(r.logits, 10, 3));
    }
  });

  it('predict() writes logits, and names the flag when the input does not fit', () => {
    const x = join(root, 'x.safetensors');
    q.saveTensors(x, { input: q.tensor(normalised, [1, 1, 28, 28]) });
    const out = join(root, 'logits.safetensors');
    const r = predict({ checkpoint: ckpt, input: x, output: out });
    expect(q.loadTensors(out).tensors.get('logits')!.data()).toEqual(r.logits);
    expect(r.top[0]).toHaveLength(5);
    const rgb = join(root, 'rgb.npy');
    writeFileSync(rgb, npyBytes('<f4', [1, 3, 2, 2], new Float32Array(12)));
    expect(() => predict({ checkpoint: ckpt, input: rgb })).toThrow(/--input .*rgb\.npy: has 3 channels at axis 1 of \(N, C, H, W\) = \(1, 3, 2, 2\); the model takes 1/);
    const txt = join(root, 'x.txt');
    writeFileSync(txt, 'hello');
    expect(() => predict({ checkpoint: ckpt, input: txt })).toThrow(q.ArgumentError);
    expect(() => predict({ checkpoint: ckpt, input: x, topK: 0 })).toThrow(/--top-k must be a positive integer, got 0/);
  });

  it('exportPyTorch() + infer(--model config.json) reproduce the checkpoint\'s logits', () => {
    const pt = join(root, 'pt.safetensors');
    const r = exportPyTorch(ckpt, pt);
    expect(r.config).toBe(join(root, 'pt.config.json'));
    const x = join(root, 'x.safetensors');
    q.saveTensors(x, { input: q.tensor(normalised, [1, 1, 28, 28]) });
    const logits = infer({ model: r.config, weights: pt, input: x, output: join(root, 'pt-logits.safetensors') });
    const want = logitsOf(normalised);
    [...logits.data()].forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    const meta = q.loadTensors(pt).metadata;
    expect(meta.format).toBe('pt');
    expect(JSON.parse(meta['quadranet.preprocess'])).toMatchObject({ input: [28, 28, 1], normalize: { mean: [0.1], std: [0.25] } });
  });

  it('infer() with a training checkpoint as --weights says to use --checkpoint', () => {
    expect(() => infer({ model: 'quadranet25_xxs', weights: ckpt, input: 'x', output: 'y' })).toThrow(/is a training checkpoint of `quadra train`: run it with `quadra infer --checkpoint/);
  });
});

describe('topK', () => {
  it('orders classes by softmax probability, with names where given', () => {
    const [row] = topK([0, 2, 1], 3, 2, ['a', 'b', 'c']);
    const z = 1 + Math.exp(2) + Math.exp(1);
    expect(row.map((c) => c.name)).toEqual(['b', 'c']);
    expect(row[0].prob).toBeCloseTo(Math.exp(2) / z, 12);
    expect(topK([0, 1, 5, 1], 2, 9)).toEqual([[{ index: 1, prob: expect.any(Number) as number }, { index: 0, prob: expect.any(Number) as number }], expect.any(Array)]);
  });
});
