/**
 * `quadra train` as a user runs it: resume (extend, conflicts, no checkpoint, auto), divergence,
 * the new flags' errors and --help (the training loop itself is tested in @quadranet/models).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TINY = ['--dataset', 'synthetic', '--limit', '64', '--batch-size', '32', '--workers', '0'];
const quadra = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, QUADRA_NUM_THREADS: '1' } });

describe.skipIf(!existsSync(CLI))('quadra train', () => {
  it('--resume with more --epochs extends the run and says the schedule is recomputed, in one line', () => {
    const out = join(root, 'extend');
    expect(quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '1', '--out', out).status).toBe(0);
    const r = quadra('train', ...TINY, '--epochs', '2', '--resume', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^quadranet25_xxs on cpu: .*resuming after epoch 1: --epochs 2 extends the 1-epoch run and the learning-rate schedule is recomputed for 2 epochs$/);
    expect(lines.filter((l) => l.startsWith('epoch '))).toHaveLength(1);
    expect(r.stdout).toMatch(/after 2 epochs/);
    // again without more epochs: nothing to train, said so, exit 0
    const again = quadra('train', '--resume', '--out', out);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/resuming after epoch 2 of 2; the run is already complete \(raise --epochs to extend it\)/);
  });

  it('a flag conflicting with the checkpoint is one line naming both values; exit 1', () => {
    const out = join(root, 'conflict');
    expect(quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '1', '--out', out).status).toBe(0);
    const r = quadra('train', '--model', 'convnext25_xxs', '--resume', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^--resume: --model convnext25_xxs \(the checkpoint has quadranet25_xxs\) conflicts with .*checkpoint.safetensors; .*only --epochs, --data-dir, --workers, --patience, --skip-nonfinite, --checkpoint-every, --threads, --device and --json may change/);
    // a default that differs is not a choice: --lr is not given, so the checkpoint's lr stands
    const ok = quadra('train', '--model', 'quadranet25_xxs', '--resume', '--workers', '0', '--out', out);
    expect(ok.status, ok.stderr).toBe(0);
  });

  it("--resume without a checkpoint is an error; --resume auto starts a new run", () => {
    const out = join(root, 'none');
    const r = quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '1', '--resume', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^--resume: there is no checkpoint at .*; pass --resume auto to start a new run when there is none\n$/);
    const auto = quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '1', '--resume', 'auto', '--out', out);
    expect(auto.status, auto.stderr).toBe(0);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(true);
    expect(quadra('train', '--resume', 'yes', '--out', out).stderr).toMatch(/^--resume takes no value or 'auto', got "yes"/);
    expect(quadra('train', '--out', out).stderr).toMatch(/^--model is required/);
  });

  it('--lr 1e9 --warmup 0 stops at the non-finite loss with the epoch and step, exit 1, and no checkpoint', () => {
    const out = join(root, 'nan');
    const r = quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '2', '--lr', '1e9', '--warmup', '0', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^training diverged at epoch 1, step 2 of 2 \(step 2 of the run\): the loss is NaN; no epoch completed/);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(false);
    const json = quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '2', '--lr', '1e9', '--warmup', '0', '--json', '--out', join(root, 'nanjson'));
    expect(json.status).toBe(1);
    const last = JSON.parse(json.stdout.trim().split('\n').pop()!) as { event: string; epoch: number; stepInEpoch: number };
    expect(last).toMatchObject({ event: 'diverged', epoch: 1, stepInEpoch: 2 });
    const skip = quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '1', '--lr', '1e9', '--warmup', '0', '--skip-nonfinite', '1', '--out', join(root, 'skip'));
    expect(skip.status).toBe(1);
    expect(skip.stderr).toMatch(/^warning: epoch 1, step 2 of 2: the loss is NaN; step skipped \(1 of --skip-nonfinite 1\)$/m);
  });

  it('a warm-up longer than the run is a warning; --val-split writes best.safetensors; metrics.csv beside metrics.json', () => {
    const out = join(root, 'val');
    const r = quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '1', '--warmup', '2', '--val-split', '0.25', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: --warmup 2 epochs is longer than the run \(1 epoch\)/m);
    expect(r.stdout).toMatch(/48 training \/ 16 validation \/ 512 test images/);
    expect(r.stdout).toMatch(/best validation accuracy .* at epoch 1 .*best.safetensors/);
    for (const f of ['checkpoint.safetensors', 'best.safetensors', 'metrics.json', 'metrics.csv', 'curves.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('bad values of the new flags name the flag', () => {
    const out = join(root, 'bad');
    expect(quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--val-split', '1.5', '--out', out).stderr).toMatch(/^--val-split must be in \[0, 1\), got 1.5/);
    expect(quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--patience', '3', '--out', out).stderr).toMatch(/^--patience 3 needs a validation set/);
    expect(quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--skip-nonfinite', 'x', '--out', out).stderr).toMatch(/^--skip-nonfinite must be an integer ≥ 0, got "x"/);
  });

  it('--help says which flags may change on resume', () => {
    const r = quadra('train', '--help');
    expect(r.stdout).toMatch(/--resume \[auto\]/);
    expect(r.stdout).toMatch(/Only\s+--epochs, --data-dir, --workers, --patience, --skip-nonfinite,\s+--checkpoint-every, --threads, --device and --json may change/);
  });
});
