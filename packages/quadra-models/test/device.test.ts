/**
 * Training on a device: train() on cuda fails fast with the backend's reason when there is no GPU
 * (the CLI's side is in @quadranet/cli's device.test.ts); with a GPU, one training step of a small
 * QuadraNet on cuda matches the same step on cpu, and a checkpoint trained on cuda resumes on cpu.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { mixedErr, trainStepOn } from '@quadranet/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceCheckCase, train, TRAIN_DEFAULTS, type TrainConfig } from '../src/index.js';

const cuda = q.deviceAvailability('cuda');
const root = mkdtempSync(join(tmpdir(), 'quadra-device-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.runIf(!cuda.available)('without a GPU', () => {
  it('train() with device cuda rejects before reading data', async () => {
    const c: TrainConfig = { ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 1, limit: 64, workers: 0 };
    await expect(train(c, join(root, 'api'), false, {}, { device: 'cuda' })).rejects.toThrow(q.BackendUnavailableError);
  });
});

describe.runIf(cuda.available)('on cuda', () => {
  const { make, batch, opts } = deviceCheckCase();

  it('one training step matches the cpu step', () => {
    const cpu = trainStepOn('cpu', make, batch, opts);
    const gpu = trainStepOn('cuda', make, batch, opts);
    expect(gpu.loss).toBeCloseTo(cpu.loss, 4);
    expect(gpu.gradNorm).toBeCloseTo(cpu.gradNorm, 3);
    for (const [name, p] of cpu.params) expect(mixedErr(gpu.params.get(name)!, p), name).toBeLessThan(1e-4);
  });

  it('a checkpoint trained on cuda resumes on cpu', async () => {
    const c: TrainConfig = { ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 2, batchSize: 32, limit: 64, workers: 0, seed: 5 };
    const out = join(root, 'resume');
    await train(c, out, false, { stopAfterEpochs: 1 }, { device: 'cuda' });
    const r = await train(c, out, true, {}, { device: 'cpu' });
    expect(r.history).toHaveLength(2);
    expect(Number.isFinite(r.final.train_loss)).toBe(true);
  });
});
