/**
 * `quadra eval` on a checkpoint written by train(): the epoch and test accuracy it reports are the
 * ones training recorded (split from the models package's training smoke test), with progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { train, TRAIN_DEFAULTS, type TrainConfig } from '@quadranet/models';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-eval-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The models smoke test's configuration.
const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 2, batchSize: 64, lr: 3e-3, warmup: 0.5, limit: 256, workers: 0, seed: 3, ...over,
});

describe('training', () => {
  it.skipIf(!existsSync(CLI))('`quadra eval --json` reports the epoch and test accuracy train() recorded', async () => {
    const out = join(root, 'smoke');
    const r = await train(cfg({ epochs: 3, limit: 512 }), out, false);
    const run = spawnSync(process.execPath, [CLI, 'eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--json'], { encoding: 'utf8' });
    const res = JSON.parse(run.stdout) as { test_acc: number; epoch: number };
    expect(res.epoch).toBe(3);
    expect(res.test_acc).toBeCloseTo(r.final.test_acc, 12);
    // progress as JSON lines on stderr, so stdout stays one object
    const progress = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as { event: string; images: number; total: number });
    expect(progress[0]).toEqual({ event: 'progress', images: 0, total: 512 });
    expect(progress[progress.length - 1]).toEqual({ event: 'progress', images: 512, total: 512 });
  });
});
