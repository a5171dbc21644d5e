import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpointModel, readArchitecture, syntheticDataset, train, TRAIN_DEFAULTS, type TrainConfig } from '@quadranet/models';
import { describe, expect, it } from 'vitest';
import {
  architectureSpec, deriveNetwork, greedyDowngrade, runSearch, SEARCH_DEFAULTS, spaceLayout, SPACE_FORMAT, writeSearchOutputs, type SearchConfig, type SearchSpace,
} from '../src/index.js';
import { fakeLut } from './lut-helpers.js';

const SPACE: SearchSpace = {
  format: SPACE_FORMAT, name: 'tiny-synthetic', input: { height: 28, width: 28, channels: 1 }, batch: 4, stem: { kernel: 4, stride: 4, padding: 0 },
  downsample: { kernel: 2, stride: 2 }, stages: [{ width: 8, depth: 2 }, { width: 16, depth: 1 }], head: { numClasses: 10 },
  candidates: { kernelSizes: [3, 5], expansions: [2], skip: true },
};

describe('supernet search end to end (synthetic data, a hand-made table)', () => {
  it('searches, derives an architecture that builds, trains and reloads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-search-'));
    const lut = fakeLut(SPACE);
    const data = syntheticDataset(320, 64, 28, 3);
    const config: SearchConfig = { ...SEARCH_DEFAULTS, targetMs: 0.2, epochs: 2, warmupEpochs: 1, batchSize: 32, alphaEvery: 1, alphaLr: 0.05, seed: 1 };
    const epochs: number[] = [];
    const out = await runSearch(config, { space: SPACE, lut, data, checkpoint: join(dir, 'search.safetensors'), hooks: { onEpoch: (e) => epochs.push(e.epoch) } });
    expect(epochs).toEqual([1, 2]);
    expect(out.history[0].phase).toBe('warmup');
    expect(out.history[0].alphaSteps).toBe(0);
    expect(out.history[1].alphaSteps).toBeGreaterThan(0);
    expect(out.choices).toHaveLength(3);
    // α moved from its N(0, 1e-3) start after the α steps
    expect(Math.max(...out.alphas.flat().map(Math.abs))).toBeGreaterThan(1e-2);
    expect(out.testAcc).toBeGreaterThanOrEqual(0);

    const derived = deriveNetwork(SPACE, lut, config, out, { measure: { warmup: 0, minRuns: 1, maxRuns: 1 } });
    const files = writeSearchOutputs(dir, derived);
    const report = JSON.parse(readFileSync(files.report, 'utf8'));
    expect(report.derived.choices).toEqual(out.choices);
    expect(report.derived.measured.n).toBe(1);
    expect(report.history).toHaveLength(2);
    expect(report.alphaHistory).toHaveLength(2);

    const arch = readArchitecture(files.arch);
    expect(arch).toEqual(architectureSpec(SPACE, out.choices));
    const cfg: TrainConfig = { ...TRAIN_DEFAULTS, model: 'arch', arch, dataset: 'synthetic', epochs: 1, limit: 128, batchSize: 32, workers: 0 };
    const runDir = join(dir, 'train');
    const r = await train(cfg, runDir, false);
    expect(r.history).toHaveLength(1);
    const { model, spec } = loadCheckpointModel(r.checkpoint);
    expect(spec.architecture.layerKernelSizes).toEqual(arch.layerKernelSizes);
    expect(model.options.depths).toEqual(arch.depths);
    model.dispose();
  });

  it('resumes from its checkpoint and refuses another configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-resume-'));
    const lut = fakeLut(SPACE);
    const data = syntheticDataset(160, 32, 28, 4);
    const config: SearchConfig = { ...SEARCH_DEFAULTS, targetMs: 0.2, epochs: 2, warmupEpochs: 1, batchSize: 32, alphaEvery: 2, seed: 2 };
    const checkpoint = join(dir, 'search.safetensors');
    const first = await runSearch({ ...config, epochs: 2 }, { space: SPACE, lut, data, checkpoint });
    const more = await runSearch({ ...config, epochs: 3 }, { space: SPACE, lut, data, checkpoint, resume: true });
    expect(more.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(more.history.slice(0, 2)).toEqual(first.history);
    // the resumed run continues exactly as an uninterrupted one (seconds aside)
    const straight = await runSearch({ ...config, epochs: 3 }, { space: SPACE, lut, data });
    const noTime = (h: typeof straight.history) => h.map(({ seconds: _s, ...e }) => e);
    expect(noTime(more.history)).toEqual(noTime(straight.history));
    expect(more.alphas).toEqual(straight.alphas);
    await expect(runSearch({ ...config, epochs: 4, lr: 1e-3 }, { space: SPACE, lut, data, checkpoint, resume: true })).rejects.toThrow(/--resume: lr 0\.001 \(the checkpoint has 0\.002\): .* another search configuration/);
  });

  it('rejects data that does not fit the space and a warm-up as long as the run', async () => {
    const lut = fakeLut(SPACE);
    const data = syntheticDataset(64, 16, 32, 0);
    const config: SearchConfig = { ...SEARCH_DEFAULTS, targetMs: 0.2, epochs: 1, warmupEpochs: 0 };
    await expect(runSearch(config, { space: SPACE, lut, data })).rejects.toThrow(/32×32×1 in 10 classes, the space 'tiny-synthetic' takes 28×28×1/);
    await expect(runSearch({ ...config, warmupEpochs: 1 }, { space: SPACE, lut, data })).rejects.toThrow(/warmupEpochs \(1\) must be below epochs/);
  });
});

describe('greedy downgrade', () => {
  it('switches the layers that give up the least probability per ms until the budget holds', () => {
    const layout = spaceLayout(SPACE);
    // candidates k3e2, k5e2, skip
    const lat = [[1, 2, 0], [1, 2, 0], [3, 5, 0]];
    const probs = [[0.1, 0.8, 0.1], [0.45, 0.1, 0.45], [0.2, 0.7, 0.1]];
    const d = greedyDowngrade(layout, ['k5e2', 'k5e2', 'k5e2'], probs, lat, 1, 8);
    expect(d.fits).toBe(true);
    expect(d.latencyMs).toBeLessThanOrEqual(8);
    // layer 1 is cheapest in probability: it goes first
    expect(d.moves[0].layer).toBe(1);
    const none = greedyDowngrade(layout, ['skip', 'skip', 'skip'], probs, lat, 1, 0.5);
    expect(none.fits).toBe(false);
    expect(none.moves).toEqual([]);
  });
});
