/** Training: smoke run, exact resume, corrupt dataset and checkpoint files, IDX parsing. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, DatasetError, loadFashionMnist, parseIdx, readCheckpointState, train, TRAIN_DEFAULTS, type TrainConfig } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 2, batchSize: 64, lr: 3e-3, warmup: 0.5, limit: 256, workers: 0, seed: 3, ...over,
});

describe('training', () => {
  it('smoke: loss falls on synthetic data; metrics.json and curves.svg are written', async () => {
    const out = join(root, 'smoke');
    const losses: number[] = [];
    const r = await train(cfg({ epochs: 3, limit: 512 }), out, false, { onStep: (s) => losses.push(s.loss) });
    expect(r.history).toHaveLength(3);
    const first = losses.slice(0, 4).reduce((a, b) => a + b) / 4;
    const last = losses.slice(-4).reduce((a, b) => a + b) / 4;
    expect(last).toBeLessThan(first * 0.8);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { final: { epoch: number }; params: number };
    expect(metrics.final.epoch).toBe(3);
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\s*$/);
  });

  it('resume continues exactly: the steps after resuming equal the uninterrupted run', async () => {
    const full: number[] = [];
    await train(cfg(), join(root, 'full'), false, { onStep: (s) => full.push(s.loss) });
    const killed: number[] = [];
    await train(cfg(), join(root, 'resumed'), false, { onStep: (s) => killed.push(s.loss), stopAfterEpochs: 1 });
    expect(existsSync(join(root, 'resumed', 'metrics.json'))).toBe(false);
    const resumed: number[] = [];
    const r = await train(cfg(), join(root, 'resumed'), true, { onStep: (s) => resumed.push(s.loss) });
    expect(killed.length + resumed.length).toBe(full.length);
    expect(resumed[0]).toBe(full[killed.length]);
    expect(resumed).toEqual(full.slice(killed.length));
    expect(r.history).toHaveLength(2);
  });

  it('resume with a validation split continues exactly too', async () => {
    const c = cfg({ valSplit: 0.25 });
    const full = await train(c, join(root, 'val-full'), false);
    await train(c, join(root, 'val-resumed'), false, { stopAfterEpochs: 1 });
    const r = await train(c, join(root, 'val-resumed'), true);
    const strip = (h: typeof r.history) => h.map(({ seconds: _s, images_per_s: _i, ...rest }) => rest);
    expect(strip(r.history)).toEqual(strip(full.history));
    expect(r.history[1].val_acc).toBeDefined();
  });

  it('a corrupt checkpoint is rejected with a typed error', async () => {
    const out = join(root, 'corrupt');
    await train(cfg({ epochs: 1, limit: 64 }), out, false);
    const file = join(out, 'checkpoint.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    expect(() => readCheckpointState(file)).toThrow(q.FileFormatError);
    await expect(train(cfg(), out, true)).rejects.toThrow(q.FileFormatError);
    const other = join(root, 'other.safetensors');
    q.saveTensors(other, { w: q.zeros([2]) }, { format: 'something-else' });
    expect(() => readCheckpointState(other)).toThrow(CheckpointError);
  });
});

describe('IDX / Fashion-MNIST files', () => {
  const idx = (type: number, dims: number[], data: number[]) => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt8(type, 2);
    head.writeUInt8(dims.length, 3);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([head, Buffer.from(data)]);
  };
  it('parses plain and gzip IDX', () => {
    const b = idx(8, [2, 2], [1, 2, 3, 4]);
    const r = parseIdx(b, 't');
    expect(r.dims).toEqual([2, 2]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
    expect(parseIdx(gzipSync(b), 't').dims).toEqual([2, 2]);
  });
  it.each([
    ['short', Buffer.from([0, 0])],
    ['bad magic', Buffer.from([1, 0, 8, 1, 0, 0, 0, 0])],
    ['bad type', idx(0x0d, [1], [0, 0, 0, 0])],
    ['size mismatch', idx(8, [3], [1, 2])],
    ['corrupt gzip', Buffer.from([0x1f, 0x8b, 1, 2, 3])],
  ])('rejects %s', (_n, bytes) => {
    expect(() => parseIdx(bytes, 'f')).toThrow(DatasetError);
  });
  it('a directory with a truncated or missing file gets a clear error', () => {
    const dir = join(root, 'fm');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx(8, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(8, [2], [1, 11]));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(8, [1, 2, 2], [1, 2, 3, 4]));
    expect(() => loadFashionMnist(dir)).toThrow(/labels: entry 1 is 11/);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(8, [2], [1, 2]));
    expect(() => loadFashionMnist(dir)).toThrow(/t10k-labels-idx1-ubyte.*not found.*dataset-fashion-mnist/);
  });
});

