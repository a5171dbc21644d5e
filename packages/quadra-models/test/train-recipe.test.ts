/**
 * The recipe options in train(): a run with all of them resumes exactly (weights, optimizer and EMA
 * tensors bit for bit), the EMA is scored each epoch and `evaluateCheckpoint({ ema })` reprints its
 * score, metrics.json records every option, and a resumed run keeps them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, evaluateCheckpoint, RECIPE_DEFAULTS, train, TRAIN_DEFAULTS, type EpochMetrics, type TrainConfig } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-recipe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ALL: Partial<TrainConfig> = {
  reprob: 0.5, remode: 'pixel', recount: 2, mixup: 0.8, cutmix: 1, mixupProb: 0.9, mixupSwitchProb: 0.5,
  modelEma: true, modelEmaDecay: 0.9, modelEmaWarmup: true, layerDecay: 0.7, tta: 'flip', stem: 'conv2',
};
const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', depths: [1, 1], width: 8, epochs: 2, batchSize: 32, lr: 3e-3, warmup: 0.5,
  limit: 96, workers: 0, seed: 5, ...ALL, ...over,
});
const strip = (h: EpochMetrics[]) => h.map(({ seconds: _s, images_per_s: _i, ...rest }) => rest);

function tensorsOf(file: string): Map<string, number[]> {
  const { tensors } = q.loadTensors(file);
  const out = new Map<string, number[]>();
  for (const [k, t] of tensors) {
    out.set(k, Array.from(t.data()));
    t.dispose();
  }
  return out;
}

describe('training recipe', () => {
  it('a run with every option resumes exactly: same steps, metrics and checkpoint tensors (model, optimizer and EMA)', async () => {
    const fullLoss: number[] = [];
    const full = await train(cfg(), join(root, 'full'), false, { onStep: (s) => fullLoss.push(s.loss) });
    const killedLoss: number[] = [];
    await train(cfg(), join(root, 'resumed'), false, { onStep: (s) => killedLoss.push(s.loss), stopAfterEpochs: 1 });
    const resumedLoss: number[] = [];
    const r = await train(cfg(), join(root, 'resumed'), true, { onStep: (s) => resumedLoss.push(s.loss) });
    expect([...killedLoss, ...resumedLoss]).toEqual(fullLoss);
    expect(strip(r.history)).toEqual(strip(full.history));
    const a = tensorsOf(full.checkpoint);
    const b = tensorsOf(r.checkpoint);
    expect([...a.keys()].some((k) => k.startsWith('ema.'))).toBe(true);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(b.get(k), k).toEqual(v);
    const state = q.loadTensors(r.checkpoint).metadata.state;
    expect(JSON.parse(state!).ema).toEqual({ updates: 6 }); // 96 images / 32 per batch × 2 epochs
    // the EMA differs from the raw weights and is scored each epoch
    expect(a.get('ema.head.weight')).not.toEqual(a.get('model.head.weight'));
    for (const h of full.history) expect(h.ema_test_acc).toBeTypeOf('number');
  });

  it('with --checkpoint-every, a run killed mid-epoch resumes exactly too (EMA and mixing included)', async () => {
    const c = cfg({ checkpointEvery: 2, batchSize: 16 }); // 6 steps per epoch
    const ref = new Map<number, number>();
    const full = await train(c, join(root, 'mid-full'), false, { onStep: (s) => ref.set(s.step, s.loss) });
    const ctl = new AbortController();
    await expect(train(c, join(root, 'mid'), false, { onStep: (s) => s.step === 3 && ctl.abort() }, { signal: ctl.signal })).rejects.toThrow(/interrupted/);
    const state = JSON.parse(q.loadTensors(join(root, 'mid', 'checkpoint.safetensors')).metadata.state!) as { step: number; ema: { updates: number }; partial?: unknown };
    expect(state).toMatchObject({ step: 2, ema: { updates: 2 } }); // the --checkpoint-every one; step 3 is redone
    expect(state.partial).toBeDefined();
    const after = new Map<number, number>();
    const r = await train(c, join(root, 'mid'), true, { onStep: (s) => after.set(s.step, s.loss) });
    expect([...after.keys()]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const [k, v] of after) expect(v, `step ${k}`).toBe(ref.get(k));
    expect(strip(r.history)).toEqual(strip(full.history));
    const a = tensorsOf(full.checkpoint);
    const b = tensorsOf(r.checkpoint);
    for (const [k, v] of a) expect(b.get(k), k).toEqual(v);
  });

  it('metrics.json records every option; metrics.csv gains the EMA columns; evaluateCheckpoint reprints raw and EMA scores', async () => {
    const out = join(root, 'report');
    const r = await train(cfg({ epochs: 1 }), out, false);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { config: TrainConfig };
    for (const k of Object.keys(RECIPE_DEFAULTS)) expect(metrics.config, k).toHaveProperty(k);
    expect(metrics.config).toMatchObject({ ...ALL, reArea: RECIPE_DEFAULTS.reArea, reAspect: RECIPE_DEFAULTS.reAspect });
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n')[0]).toMatch(/,ema_val_loss,ema_val_acc,ema_test_loss,ema_test_acc$/);
    const raw = await evaluateCheckpoint(r.checkpoint, { tta: 'flip' });
    const ema = await evaluateCheckpoint(r.checkpoint, { ema: true, tta: 'flip' });
    expect(raw).toMatchObject({ acc: r.final.test_acc, weights: 'model', tta: 'flip' });
    expect(raw.loss).toBeCloseTo(r.final.test_loss, 5);
    expect(ema).toMatchObject({ acc: r.final.ema_test_acc, weights: 'ema' });
    expect(ema.loss).toBeCloseTo(r.final.ema_test_loss!, 5);
  });

  it('a run without --model-ema: no ema tensors or columns, and evaluating its EMA is a CheckpointError', async () => {
    const out = join(root, 'plain');
    const r = await train(cfg({ epochs: 1, modelEma: false }), out, false);
    expect([...tensorsOf(r.checkpoint).keys()].some((k) => k.startsWith('ema.'))).toBe(false);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8')).not.toContain('ema_');
    await expect(evaluateCheckpoint(r.checkpoint, { ema: true })).rejects.toThrow(CheckpointError);
    await expect(evaluateCheckpoint(r.checkpoint, { ema: true })).rejects.toThrow(/holds no EMA weights .*--model-ema/);
  });

  it('a resumed run keeps its options: a different explicit one is a conflict naming the flag; unset ones come from the checkpoint', async () => {
    const out = join(root, 'keep');
    await train(cfg({ epochs: 1 }), out, false);
    await expect(train(cfg({ mixup: 0.2 }), out, true, {}, { explicit: ['mixup'] })).rejects.toThrow(/--mixup 0.2 \(the checkpoint has 0.8\)/);
    await expect(train(cfg({ modelEma: false }), out, true, {}, { explicit: ['modelEma'] })).rejects.toThrow(/--model-ema false \(the checkpoint has true\)/);
    const r = await train({ ...TRAIN_DEFAULTS, model: '', dataset: 'synthetic', epochs: 2 }, out, true, {}, { explicit: ['epochs'] });
    expect(r.history).toHaveLength(2);
    expect(r.final.ema_test_acc).toBeTypeOf('number');
  });

  it('a checkpoint from before the recipe options resumes with their defaults; a default given explicitly is no conflict', async () => {
    const out = join(root, 'old');
    const plain: Partial<TrainConfig> = { modelEma: false, tta: 'none', mixup: 0, cutmix: 0, reprob: 0, layerDecay: 0, stem: 'patch2' };
    const r = await train(cfg({ epochs: 1, ...plain }), out, false);
    const { tensors, metadata } = q.loadTensors(r.checkpoint);
    const state = JSON.parse(metadata.state!) as { config: Record<string, unknown> };
    for (const k of Object.keys(RECIPE_DEFAULTS)) delete state.config[k];
    q.saveTensors(r.checkpoint, tensors, { ...metadata, state: JSON.stringify(state) });
    for (const t of tensors.values()) t.dispose();
    const again = await train(cfg({ epochs: 2, ...plain, mixup: 0, modelEma: false }), out, true, {}, { explicit: ['epochs', 'mixup', 'modelEma'] });
    expect(again.history).toHaveLength(2);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { config: TrainConfig };
    expect(metrics.config).toMatchObject(RECIPE_DEFAULTS);
  });

  it('--image-size: the model trains and is evaluated at that size, and its spec says so', async () => {
    const r = await train(cfg({ epochs: 1, imageSize: 40, modelEma: false, tta: 'none', mixup: 0, cutmix: 0, stem: 'patch4' }), join(root, 'size'), false);
    const state = JSON.parse(q.loadTensors(r.checkpoint).metadata.state!) as { model: { input: number[] } };
    expect(state.model.input).toEqual([40, 40, 1]);
    const again = await evaluateCheckpoint(r.checkpoint);
    expect(again.acc).toBe(r.final.test_acc);
    await expect(train(cfg({ imageSize: -1 }), join(root, 'bad'), false)).rejects.toThrow(/--image-size must be a non-negative integer/);
  });

  it('bad option values name their flag', async () => {
    await expect(train(cfg({ mixupProb: 2 }), join(root, 'bad'), false)).rejects.toThrow(/--mixup-prob must be in \[0, 1\], got 2/);
    await expect(train(cfg({ modelEmaDecay: 1 }), join(root, 'bad'), false)).rejects.toThrow(/--model-ema-decay must be in \[0, 1\), got 1/);
    await expect(train(cfg({ tta: 'x' as never }), join(root, 'bad'), false)).rejects.toThrow(/--tta must be one of none, flip/);
  });
});
