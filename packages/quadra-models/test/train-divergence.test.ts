/** No silent divergence: non-finite steps stop the run (or are skipped up to a limit), the last good checkpoint stays. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NonFiniteGuard, readCheckpointState, train, TrainingDivergedError, TRAIN_DEFAULTS, type TrainConfig } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-diverge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 2, batchSize: 32, lr: 1e9, warmup: 0, limit: 128, workers: 0, seed: 3, ...over,
});

const rejection = async (p: Promise<unknown>): Promise<TrainingDivergedError> => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TrainingDivergedError);
  return err as TrainingDivergedError;
};

describe('divergence', () => {
  it('lr 1e9: stops at the first non-finite loss, naming epoch and step; no checkpoint of NaN weights', async () => {
    const out = join(root, 'nan');
    const err = await rejection(train(cfg(), out, false));
    expect(err.at).toEqual({ epoch: 1, stepInEpoch: 2, step: 2 });
    expect(err.message).toMatch(/^training diverged at epoch 1, step 2 of 4 \(step 2 of the run\): the loss is NaN; no epoch completed, so this run wrote no checkpoint; .*--skip-nonfinite/);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(false);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { end: { reason: string; epoch: number; stepInEpoch: number } };
    expect(metrics.end).toMatchObject({ reason: 'diverged', epoch: 1, stepInEpoch: 2 });
  });

  it('keeps the last good checkpoint byte for byte when a later epoch diverges', async () => {
    // one step per epoch, warm-up of one step: epoch 1 runs at lr 0, epoch 2 at 1e9
    const out = join(root, 'kept');
    const seen: number[] = [];
    let good: Buffer | null = null;
    const onEpoch = (m: { epoch: number }) => {
      seen.push(m.epoch);
      good = readFileSync(join(out, 'checkpoint.safetensors'));
    };
    const err = await rejection(train(cfg({ limit: 32, epochs: 4, warmup: 1 }), out, false, { onEpoch }));
    expect(seen).toEqual([1]);
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(good!)).toBe(true);
    expect(err.at.epoch).toBe(2);
    expect(err.message).toMatch(/the last good checkpoint, .*checkpoint.safetensors \(epoch 1\), is kept/);
    const state = readCheckpointState(join(out, 'checkpoint.safetensors'));
    expect(state.state.epoch).toBe(1);
    for (const [, t] of state.tensors) expect(Array.from(t.data()).every(Number.isFinite)).toBe(true);
  });

  it('skipNonfinite skips up to N steps with a warning each, then stops', async () => {
    const warnings: string[] = [];
    const err = await rejection(train(cfg({ skipNonfinite: 2 }), join(root, 'skip'), false, { onWarning: (w) => warnings.push(w) }));
    expect(warnings).toEqual([
      'epoch 1, step 2 of 4: the loss is NaN; step skipped (1 of --skip-nonfinite 2)',
      'epoch 1, step 3 of 4: the loss is NaN; step skipped (2 of --skip-nonfinite 2)',
    ]);
    expect(err.at).toEqual({ epoch: 1, stepInEpoch: 4, step: 4 });
    expect(err.message).toMatch(/after skipping 2 such steps \(--skip-nonfinite 2\)/);
  });

  it('NonFiniteGuard passes finite steps, counts skips up to its limit (with those before a resume), then stops', () => {
    const g = new NonFiniteGuard(2, 1);
    expect(g.check(1.5, 3)).toEqual({ verdict: 'ok' });
    expect(g.check(1.5, Infinity)).toEqual({ verdict: 'skip', what: 'the gradient norm is Infinity' });
    expect(g.skipped).toBe(2);
    expect(g.check(NaN, 1)).toEqual({ verdict: 'stop', what: 'the loss is NaN' });
    expect(new NonFiniteGuard(0).check(1, NaN).verdict).toBe('stop');
  });

  it('a warm-up longer than the run is a warning', async () => {
    const warnings: string[] = [];
    await train(cfg({ lr: 1e-3, warmup: 3, epochs: 1, limit: 32 }), join(root, 'warm'), false, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      "--warmup 3 epochs is longer than the run (1 epoch): the warm-up is cut to the run's length, so the learning rate rises to --lr 0.001 over the whole run and never decays",
    ]);
    // as long as the run is not longer
    const none: string[] = [];
    await train(cfg({ lr: 1e-3, warmup: 1, epochs: 1, limit: 32 }), join(root, 'warm1'), false, { onWarning: (w) => none.push(w) });
    expect(none).toEqual([]);
  });
});
