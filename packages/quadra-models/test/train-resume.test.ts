/** Resume semantics: extend with --epochs, conflicting flags, --resume without a checkpoint, 'auto'. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointState, resumeConfig, ResumeConflictError, train, TRAIN_DEFAULTS, type StartInfo, type TrainConfig } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 2, batchSize: 64, lr: 3e-3, warmup: 0.5, limit: 128, workers: 0, seed: 3, ...over,
});

describe('resume', () => {
  it('raising epochs extends a finished run, with the schedule recomputed for the new length', async () => {
    const out = join(root, 'extend');
    const first = await train(cfg(), out, false);
    let start: StartInfo | undefined;
    const lrs: number[] = [];
    const r = await train(cfg({ epochs: 3 }), out, true, { onStart: (i) => (start = i), onStep: (s) => lrs.push(s.lr) });
    expect(start).toMatchObject({ startEpoch: 2, epochs: 3, plannedEpochs: 2 });
    expect(r.history).toHaveLength(3);
    expect(r.history.slice(0, 2)).toEqual(first.history);
    const sched = new q.optim.WarmupCosine({ baseLr: 3e-3, totalSteps: 6, warmupSteps: 1, minLr: 3e-5 });
    expect(lrs).toEqual([sched.lrAt(4), sched.lrAt(5)]);
    expect(readCheckpointState(r.checkpoint).state.epoch).toBe(3);
  });

  it('resuming a finished run without more epochs trains nothing and says it is complete', async () => {
    const out = join(root, 'done');
    await train(cfg({ epochs: 1 }), out, false);
    let start: StartInfo | undefined;
    let steps = 0;
    const r = await train(cfg({ epochs: 1 }), out, true, { onStart: (i) => (start = i), onStep: () => steps++ });
    expect(steps).toBe(0);
    expect(start).toMatchObject({ startEpoch: 1, epochs: 1 });
    expect(r.history).toHaveLength(1);
  });

  it('a flag that differs from the checkpoint is an error naming both values; resumable ones may change', async () => {
    const out = join(root, 'conflict');
    await train(cfg({ epochs: 1 }), out, false);
    await expect(train(cfg({ model: 'convnext25_xxs' }), out, true)).rejects.toThrow(ResumeConflictError);
    await expect(train(cfg({ model: 'convnext25_xxs', width: 8 }), out, true)).rejects.toThrow(
      /--model convnext25_xxs \(the checkpoint has quadranet25_xxs\), --width 8 \(the checkpoint has unset \(the zoo default\)\) conflict with/,
    );
    await expect(train(cfg({ batchSize: 32 }), out, true)).rejects.toThrow(/--batch-size 32 \(the checkpoint has 64\)/);
    await expect(train(cfg({ epochs: 0 }), out, true)).rejects.toThrow(/--epochs must be a positive integer/);
    // only the fields the caller chose are compared (the CLI passes the flags given)
    const r = await train(cfg({ lr: 999, epochs: 2, workers: 1 }), out, true, {}, { explicit: ['epochs', 'workers'] });
    expect(r.history).toHaveLength(2);
  });

  it('resumeConfig keeps the checkpoint configuration and takes only the resumable fields', () => {
    const saved = cfg();
    const c = resumeConfig(saved, cfg({ epochs: 5, workers: 2, dataDir: '/x', lr: 1 }), 'ckpt', ['epochs', 'workers', 'dataDir']);
    expect(c).toEqual({ ...saved, epochs: 5, workers: 2, dataDir: '/x' });
    expect(() => resumeConfig(saved, cfg({ depths: [1, 1] }), 'ckpt')).toThrow(/--depths 1,1 \(the checkpoint has unset/);
    expect(() => resumeConfig(saved, cfg({ valSplit: 0.1 }), 'ckpt')).toThrow(/--val-split 0.1 \(the checkpoint has 0\)/);
  });

  it('lowering epochs below those trained is an error', async () => {
    const out = join(root, 'lower');
    await train(cfg(), out, false);
    await expect(train(cfg({ epochs: 1 }), out, true)).rejects.toThrow(/--epochs 1 is below the 2 epochs .* has already trained/);
  });

  it("--resume without a checkpoint is an error; 'auto' starts a new run", async () => {
    const out = join(root, 'none');
    await expect(train(cfg({ epochs: 1 }), out, true)).rejects.toThrow(q.ArgumentError);
    await expect(train(cfg({ epochs: 1 }), out, true)).rejects.toThrow(/no checkpoint at .*checkpoint.safetensors.*--resume auto/);
    const r = await train(cfg({ epochs: 1 }), out, 'auto');
    expect(r.history).toHaveLength(1);
    const again = await train(cfg({ epochs: 2 }), out, 'auto');
    expect(again.history[0]).toEqual(r.history[0]);
    expect(again.history).toHaveLength(2);
  });
});
