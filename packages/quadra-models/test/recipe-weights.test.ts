/** Weight EMA, layer-wise lr decay groups, flip-TTA logits and the lr range test's pieces: what each does to the weights or the numbers. */
import * as q from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { buildModel, emaDecay, flipBatch, layerDecayGroups, layerOf, lrFindSvg, ModelEma, rampLr, suggestLr, TRAIN_DEFAULTS, type LrFindResult, type TrainConfig } from '../src/index.js';
import { ttaLogits } from '../src/train/tta.js';

const { nn } = q;
const tiny = (): TrainConfig => ({ ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', depths: [1, 1, 1], width: 4, dropPath: 0 });

describe('weight EMA', () => {
  it('decay: fixed without warm-up; with warm-up min(decay, 1 − (1 + t)^(−2/3))', () => {
    expect(emaDecay({ decay: 0.999, warmup: false }, 1)).toBe(0.999);
    expect(emaDecay({ decay: 0.999, warmup: true }, 1)).toBeCloseTo(1 - 2 ** (-2 / 3), 12);
    expect(emaDecay({ decay: 0.9, warmup: true }, 1e6)).toBe(0.9);
  });

  it('starts as a copy, then each update is ema ← d·ema + (1 − d)·w for every weight', () => {
    q.manualSeed(1);
    const model = new nn.Linear(3, 2);
    const copy = nn.withoutInit(() => new nn.Linear(3, 2));
    const ema = new ModelEma(copy, model, { decay: 0.75, warmup: false });
    const w0 = Array.from(model.weight.data());
    expect(Array.from(copy.weight.data())).toEqual(w0);
    model.weight.data().set([1, 2, 3, 4, 5, 6]);
    ema.update(model);
    const want = w0.map((v, i) => Math.fround(0.75 * v) + Math.fround(0.25 * (i + 1)));
    Array.from(copy.weight.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    expect(ema.updates).toBe(1);
    // warm-up: the first update's decay is 1 − 2^(−2/3) ≈ 0.37
    const fresh = new ModelEma(nn.withoutInit(() => new nn.Linear(3, 2)), model, { decay: 0.99, warmup: true });
    model.weight.data().fill(0);
    fresh.update(model);
    const d = 1 - 2 ** (-2 / 3);
    Array.from(fresh.module.weight.data()).forEach((v, i) => expect(v).toBeCloseTo(d * (i + 1), 5));
  });

  it('building the EMA copy under withoutInit draws nothing from the default generator', () => {
    q.manualSeed(4);
    nn.withoutInit(() => buildModel(tiny())).dispose();
    const after = q.randn([3]).data()[0];
    q.manualSeed(4);
    expect(q.randn([3]).data()[0]).toBe(after);
  });
});

describe('layer-wise lr decay', () => {
  it('layer ids: stem 0, stage i (and the downsampling before it) i + 1, norm and head last', () => {
    expect(layerOf('downsample_layers.0.0.weight', 3)).toBe(0);
    expect(layerOf('stages.0.0.pwconv1.weight', 3)).toBe(1);
    expect(layerOf('downsample_layers.2.1.bias', 3)).toBe(3);
    expect(layerOf('stages.2.0.gamma1', 3)).toBe(3);
    expect(layerOf('norm.weight', 3)).toBe(4);
    expect(layerOf('head.bias', 3)).toBe(4);
  });

  it('each parameter gets decay^(last − layer), the groups keep the model order, and AdamW steps each group at its scaled lr', () => {
    const model = buildModel(tiny());
    const groups = layerDecayGroups(model, 3, 0.5);
    const names = [...model.namedParameters()].map(([n]) => n);
    const flat = groups.flatMap((g) => [...g.params]);
    expect(flat).toEqual(model.parameters());
    const scaleOf = new Map<q.nn.Parameter, number>();
    for (const g of groups) for (const p of g.params) scaleOf.set(p, g.lrScale!);
    names.forEach((n, i) => expect(scaleOf.get(flat[i])).toBe(0.5 ** (4 - layerOf(n, 3))));
    const opt = new q.optim.AdamW(groups, { lr: 0.01 });
    const stem = model.parameters()[0];
    const head = model.parameters().at(-1)!;
    expect(opt.lrFor(stem)).toBeCloseTo(0.01 * 0.5 ** 4, 12);
    expect(opt.lrFor(head)).toBeCloseTo(0.01, 12);
    expect(layerDecayGroups(model, 3, 1)).toHaveLength(1);
    expect(() => layerDecayGroups(model, 3, 1.5)).toThrow(/--layer-decay must be in \(0, 1\]/);
    model.dispose();
  });
});

describe('flip TTA logits', () => {
  it("'flip' averages the logits of the batch and its mirror; 'none' is the plain forward", () => {
    q.manualSeed(2);
    const model = buildModel(tiny()).eval();
    const shape = [2, 8, 8, 1];
    const raw = Float32Array.from({ length: 128 }, (_, i) => Math.cos(i));
    const mk = (d: Float32Array) => q.tensor(d, shape);
    q.noGrad(() => {
      const a = model.forward(mk(raw)).data();
      const b = model.forward(mk(flipBatch(raw, 2, 8, 8, 1))).data();
      const avg = ttaLogits(model, mk(raw), raw, shape, 'flip', mk).data();
      Array.from(avg).forEach((v, i) => expect(v).toBeCloseTo((a[i] + b[i]) / 2, 5));
      expect(Array.from(ttaLogits(model, mk(raw), raw, shape, 'none', mk).data())).toEqual(Array.from(a));
    });
    model.dispose();
  });
});

describe('lr range test pieces', () => {
  it('rampLr runs exponentially from minLr to maxLr', () => {
    const o = { minLr: 1e-6, maxLr: 1, steps: 7 };
    expect(rampLr(o, 0)).toBeCloseTo(1e-6, 18);
    expect(rampLr(o, 6)).toBeCloseTo(1, 12);
    expect(rampLr(o, 3)).toBeCloseTo(1e-3, 15);
  });

  it('suggestLr: the steepest descent against log lr, skipping the ends and a diverged last point', () => {
    const lrs = Array.from({ length: 9 }, (_, i) => 10 ** (i - 6));
    const loss = [2, 2, 1.95, 1.8, 1.2, 1.0, 0.95, 1.5, 9];
    expect(suggestLr(lrs, loss, true)).toBe(1e-2); // loss falls fastest around index 4
    expect(suggestLr(lrs, loss, true, { start: 5, end: 0 })).toBe(1e-1); // points 5..7 remain: the steepest of them
    expect(suggestLr(lrs, loss, true, { start: 6, end: 0 })).toBe(1e-2); // a skip that would leave < 3 points is not applied
    expect(suggestLr(lrs.slice(0, 2), loss.slice(0, 2), false)).toBeNull();
    expect(suggestLr(lrs, lrs.map(() => 1), false)).toBeNull();
  });

  it('lrFindSvg draws the raw and smoothed curves with a log-lr axis and marks the suggestion', () => {
    const lrs = [1e-4, 1e-3, 1e-2, 1e-1];
    const r = { lrs, losses: [2, 1.5, 1, 3], smoothed: [2, 1.7, 1.3, 1.8], suggestedLr: 1e-2, end: 'complete' } as LrFindResult;
    const svg = lrFindSvg(r, 'm on d');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('suggested lr 1.00e-2');
    expect(svg).toContain('learning rate (log scale)');
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg).toContain('>1e-3<');
  });
});
