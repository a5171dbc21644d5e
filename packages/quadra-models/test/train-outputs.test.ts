/** What a run leaves beside its checkpoint: validation split, best checkpoint, early stopping, metrics.csv, curves, Ctrl-C. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS, curvesSvg, metricsCsv, readCheckpointState, splitValidation, syntheticDataset, train, TrainingInterruptedError, TRAIN_DEFAULTS,
  type EpochMetrics, type TrainConfig,
} from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-outputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 2, batchSize: 64, lr: 3e-3, warmup: 0.5, limit: 128, workers: 0, seed: 3, ...over,
});

const epochRow = (epoch: number, over: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch, train_loss: 2 - epoch / 10, train_acc: 0.1 * epoch, test_loss: 2.1 - epoch / 10, test_acc: 0.1 * epoch, lr: 1e-3, images_per_s: 100, seconds: 1, ...over,
});

describe('validation split', () => {
  it('is deterministic by seed, disjoint and complete', () => {
    const set = syntheticDataset(64, 8, 28, 1).train;
    const a = splitValidation(set, 0.25, 7);
    const b = splitValidation(set, 0.25, 7);
    const c = splitValidation(set, 0.25, 8);
    expect([a.train.n, a.val.n]).toEqual([48, 16]);
    expect(a.val.images).toEqual(b.val.images);
    expect(a.val.images).not.toEqual(c.val.images);
    const px = 28 * 28;
    const key = (s: typeof set, i: number) => Buffer.from(s.images.subarray(i * px, (i + 1) * px)).toString('base64');
    const all = new Set(Array.from({ length: 64 }, (_, i) => key(set, i)));
    const parts = [...Array.from({ length: 48 }, (_, i) => key(a.train, i)), ...Array.from({ length: 16 }, (_, i) => key(a.val, i))];
    expect(new Set(parts)).toEqual(all);
    expect(() => splitValidation(set, 0.001, 1)).toThrow(/--val-split 0.001 of 64 training images leaves 0 for validation/);
  });

  it('valSplit records val metrics and keeps the best epoch in best.safetensors; patience stops early', async () => {
    const out = join(root, 'val');
    // a learning rate too small to change any prediction: the validation accuracy never improves after epoch 1
    const r = await train(cfg({ valSplit: 0.25, patience: 1, epochs: 5, lr: 1e-12 }), out, false);
    expect(r.history).toHaveLength(2);
    expect(r.end).toEqual({ reason: 'early-stop', bestEpoch: 1, patience: 1 });
    expect(r.history[0].val_acc).toBeGreaterThanOrEqual(0);
    expect(r.best?.epoch.epoch).toBe(1);
    expect(readCheckpointState(join(out, 'best.safetensors')).state.epoch).toBe(1);
    expect(readCheckpointState(join(out, 'checkpoint.safetensors')).state.epoch).toBe(2);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { best: { epoch: number }; end: { reason: string } };
    expect(metrics.best.epoch).toBe(1);
    expect(metrics.end.reason).toBe('early-stop');
  });

  it('patience needs a validation split; a bad split is a typed error', async () => {
    await expect(train(cfg({ patience: 2 }), join(root, 'p'), false)).rejects.toThrow(/--patience 2 needs a validation set: pass --val-split/);
    await expect(train(cfg({ valSplit: 1 }), join(root, 'p'), false)).rejects.toThrow(q.ArgumentError);
    await expect(train(cfg({ skipNonfinite: -1 }), join(root, 'p'), false)).rejects.toThrow(/--skip-nonfinite must be a non-negative integer, got -1/);
  });
});

describe('metrics.csv and curves.svg', () => {
  it('metrics.csv has one row per epoch, written every epoch', async () => {
    const out = join(root, 'csv');
    const rowsSeen: number[] = [];
    await train(cfg(), out, false, { onEpoch: () => rowsSeen.push(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').length - 1) });
    expect(rowsSeen).toEqual([1, 2]);
    const lines = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[2].split(',')[0]).toBe('2');
    expect(metricsCsv([epochRow(1, { val_acc: 0.5, val_loss: 1 })]).split('\n')[1]).toBe('1,1.9,0.1,1,0.5,2,0.1,0.001,100,1,0');
  });

  it('curves.svg draws a marker per epoch, so one epoch is readable', () => {
    const one = curvesSvg([epochRow(1)], 't');
    expect(one.match(/<circle class="marker"/g)).toHaveLength(4);
    expect(one).not.toMatch(/NaN|Infinity/);
    const three = curvesSvg([1, 2, 3].map((e) => epochRow(e, { val_acc: 0.2, val_loss: 1.5 })), 't');
    expect(three.match(/<circle class="marker"/g)).toHaveLength(3 * 3 * 2);
    expect(curvesSvg([], 't')).not.toMatch(/NaN|Infinity/);
  });
});

describe('interrupting a run', () => {
  it('an aborted signal stops after the current step, writes the metrics and keeps the last checkpoint', async () => {
    const out = join(root, 'abort');
    const ctl = new AbortController();
    const err = await train(cfg({ epochs: 5 }), out, false, { onStep: (s) => s.epoch === 2 && ctl.abort() }, { signal: ctl.signal }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingInterruptedError);
    expect((err as TrainingInterruptedError).at).toEqual({ epoch: 2, stepInEpoch: 1, step: 3 });
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { history: unknown[]; end: { reason: string } };
    expect(metrics.history).toHaveLength(1);
    expect(metrics.end.reason).toBe('interrupted');
    expect(existsSync(join(out, 'curves.svg'))).toBe(true);
    expect(readCheckpointState(join(out, 'checkpoint.safetensors')).state.epoch).toBe(1);
    // and the run resumes from there
    const r = await train(cfg({ epochs: 5 }), out, true, { stopAfterEpochs: 1 });
    expect(r.history).toHaveLength(2);
  });
});
