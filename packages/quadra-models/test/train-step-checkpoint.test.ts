/**
 * --checkpoint-every: a checkpoint written mid-epoch resumes at its step exactly as the uninterrupted
 * run goes on (same losses, learning rates and epoch metrics); metrics.csv is rewritten from it, and
 * temporary files a killed write left are removed on resume.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointState, train, TRAIN_DEFAULTS, TrainingInterruptedError, type TrainConfig, type TrainResult } from '../src/index.js';
import type { EpochMetrics } from '../src/train/curves.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-step-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 8 steps per epoch; drop path draws from the generator, so its state must be saved mid-epoch too
const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', depths: [1], width: 8, epochs: 2, batchSize: 8, limit: 64, workers: 0, seed: 5,
  dropPath: 0.2, checkpointEvery: 3, ...over,
});

interface Steps { loss: Map<number, number>; lr: Map<number, number> }

async function record(out: string, resume: boolean, stopAfterStep?: number): Promise<{ steps: Steps; result: TrainResult | null; warnings: string[] }> {
  const steps: Steps = { loss: new Map(), lr: new Map() };
  const warnings: string[] = [];
  const ctl = new AbortController();
  const hooks = {
    onStep: (s: { step: number; loss: number; lr: number }) => {
      steps.loss.set(s.step, s.loss);
      steps.lr.set(s.step, s.lr);
      if (s.step === stopAfterStep) ctl.abort();
    },
    onWarning: (m: string) => warnings.push(m),
  };
  try {
    return { steps, result: await train(cfg(), out, resume, hooks, { signal: ctl.signal }), warnings };
  } catch (err) {
    if (!(err instanceof TrainingInterruptedError)) throw err;
    return { steps, result: null, warnings };
  }
}

const noTimes = (h: EpochMetrics[]) => h.map(({ images_per_s: _i, seconds: _s, ...m }) => m);

describe('checkpoint every n steps', () => {
  let reference: { steps: Steps; result: TrainResult | null };
  it('the uninterrupted reference run', async () => {
    reference = await record(join(root, 'reference'), false);
    expect(reference.steps.loss.size).toBe(16);
    expect(readCheckpointState(join(root, 'reference', 'checkpoint.safetensors')).state.partial).toBeUndefined();
    const metrics = JSON.parse(readFileSync(join(root, 'reference', 'metrics.json'), 'utf8')) as { config: TrainConfig };
    expect(metrics.config.checkpointEvery).toBe(3);
  });

  for (const { stopAt, savedAt, epoch, batches } of [
    { stopAt: 5, savedAt: 3, epoch: 0, batches: 3 },
    { stopAt: 13, savedAt: 12, epoch: 1, batches: 4 },
  ]) {
    it(`stopped after step ${stopAt}: the checkpoint of step ${savedAt} resumes with the reference's losses, learning rates and metrics`, async () => {
      const out = join(root, `stop-${stopAt}`);
      await record(out, false, stopAt);
      const { state, tensors } = readCheckpointState(join(out, 'checkpoint.safetensors'));
      for (const t of tensors.values()) t.dispose();
      expect(state).toMatchObject({ epoch, step: savedAt, partial: { batches } });
      const resumed = await record(out, true);
      expect([...resumed.steps.loss.keys()]).toEqual(Array.from({ length: 16 - savedAt }, (_, i) => savedAt + 1 + i));
      for (const [s, loss] of resumed.steps.loss) {
        expect(loss, `step ${s}`).toBe(reference.steps.loss.get(s));
        expect(resumed.steps.lr.get(s), `lr at step ${s}`).toBe(reference.steps.lr.get(s));
      }
      expect(noTimes(resumed.result!.history)).toEqual(noTimes(reference.result!.history));
    });
  }

  it('resume rewrites metrics.csv from the checkpoint and removes temporary files of unfinished writes', async () => {
    const out = join(root, 'stale');
    await record(out, false, 13);
    const csv = join(out, 'metrics.csv');
    writeFileSync(csv, 'epoch,train_loss\n1,9\n2,9\n3,9\n'); // what a mixed-up run could have left
    // a pid that no process has: the writer of this temporary file is gone
    const tmp = join(out, '.checkpoint.safetensors.2147483646.0123456789ab.tmp');
    writeFileSync(tmp, 'half a checkpoint');
    const ctl = new AbortController();
    const warnings: string[] = [];
    let csvAtStart = '';
    await expect(train(cfg(), out, true, {
      onWarning: (m) => warnings.push(m),
      onStep: () => {
        csvAtStart ||= readFileSync(csv, 'utf8');
        ctl.abort();
      },
    }, { signal: ctl.signal })).rejects.toThrow(TrainingInterruptedError);
    expect(existsSync(tmp)).toBe(false);
    expect(warnings.some((w) => w.startsWith('removed 1 temporary file') && w.includes(tmp))).toBe(true);
    expect(csvAtStart.trim().split('\n')).toHaveLength(2); // the header and the checkpoint's one epoch
  });

  it('--epochs may not end before a mid-epoch checkpoint; --checkpoint-every must be a non-negative integer', async () => {
    const out = join(root, 'short');
    await record(out, false, 13);
    await expect(train(cfg({ epochs: 1 }), out, true, {}, { explicit: ['epochs'] })).rejects.toThrow(/--epochs 1: .* was written partway through epoch 2; pass --epochs 2 or more/);
    await expect(train(cfg({ checkpointEvery: -1 }), join(root, 'bad'), false)).rejects.toThrow(ArgumentError);
    await expect(train(cfg({ checkpointEvery: 1.5 }), join(root, 'bad'), false)).rejects.toThrow(/--checkpoint-every must be a non-negative integer/);
  });
});
