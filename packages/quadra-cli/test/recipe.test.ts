/**
 * The recipe flags as a user runs them: `quadra train` with every option on a tiny synthetic run
 * (recorded in metrics.json, resumed with them), `quadra eval --ema --tta flip`, and `quadra lr-find`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-recipe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TINY = ['--dataset', 'synthetic', '--limit', '64', '--batch-size', '32', '--workers', '0', '--depths', '1,1', '--width', '8'];
const ALL = [
  '--reprob', '0.25', '--remode', 'rand', '--re-area', '0.05,0.2', '--re-aspect', '0.5,2', '--recount', '2',
  '--mixup', '0.8', '--cutmix', '1', '--mixup-prob', '0.8', '--mixup-switch-prob', '0.4',
  '--model-ema', '--model-ema-decay', '0.99', '--model-ema-warmup', '--layer-decay', '0.75', '--tta', 'flip', '--stem', 'conv2',
];
/** Runs the CLI without blocking the test worker (spawnSync would stall vitest's RPC on a loaded machine). */
function quadra(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, QUADRA_NUM_THREADS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.skipIf(!existsSync(CLI))('quadra train/eval/lr-find recipe options', () => {
  it('train with every option: metrics.json records them, EMA metrics each epoch, resume keeps them, eval --ema reprints the EMA score', async () => {
    const out = join(root, 'all');
    const r = await quadra('train', '--model', 'quadranet25_xxs', ...TINY, ...ALL, '--epochs', '1', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { config: Record<string, unknown>; final: Record<string, number> };
    expect(m.config).toMatchObject({
      reprob: 0.25, remode: 'rand', reArea: [0.05, 0.2], reAspect: [0.5, 2], recount: 2, mixup: 0.8, cutmix: 1, mixupProb: 0.8, mixupSwitchProb: 0.4,
      modelEma: true, modelEmaDecay: 0.99, modelEmaWarmup: true, layerDecay: 0.75, tta: 'flip', stem: 'conv2',
    });
    expect(m.final.ema_test_acc).toBeTypeOf('number');
    // resumed with a conflicting recipe flag: one line naming both values
    const bad = await quadra('train', '--resume', '--out', out, '--epochs', '2', '--cutmix', '0');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--cutmix 0 \(the checkpoint has 1\)/);
    const resumed = await quadra('train', '--resume', '--out', out, '--epochs', '2');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^epoch 2: .*test loss [\d.]+ acc [\d.]+%, EMA test acc [\d.]+%, /m);
    const m2 = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { config: Record<string, unknown>; final: Record<string, number> };
    expect(m2.config).toEqual({ ...m.config, epochs: 2 });
    const ev = await quadra('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--ema', '--tta', 'flip', '--json');
    expect(ev.status, ev.stderr).toBe(0);
    const e = JSON.parse(ev.stdout) as { test_acc: number; weights: string; tta: string; epoch: number };
    expect(e).toMatchObject({ test_acc: m2.final.ema_test_acc, weights: 'ema', tta: 'flip', epoch: 2 });
    const text = await quadra('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--ema');
    expect(text.stdout).toMatch(/after 2 epochs \(EMA weights\): test accuracy/);
  });

  it('eval --ema on a run without an EMA is one line naming --model-ema; a bad --tta names its values', async () => {
    const out = join(root, 'plain');
    expect((await quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--epochs', '1', '--out', out)).status).toBe(0);
    const r = await quadra('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--ema');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds no EMA weights .*--model-ema/);
    const t = await quadra('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--tta', 'crop');
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(/--tta must be one of none, flip, got "crop"/);
    const area = await quadra('train', '--model', 'quadranet25_xxs', ...TINY, '--re-area', '0.5,0.1', '--out', join(root, 'x'));
    expect(area.status).toBe(1);
    expect(area.stderr).toMatch(/--re-area must be two numbers min,max with 0 < min <= max, got "0.5,0.1"/);
  });

  it('lr-find on a tiny synthetic set: JSON with the ramp and a suggestion, and an SVG plot', async () => {
    const out = join(root, 'lr');
    const r = await quadra('lr-find', '--model', 'quadranet25_xxs', ...TINY, '--mixup', '0.5', '--min-lr', '1e-5', '--max-lr', '1', '--steps', '20', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const line = JSON.parse(r.stdout) as { suggested_lr: number | null; end: string; steps: number; svg: string; json: string };
    const res = JSON.parse(readFileSync(join(out, 'lr-find.json'), 'utf8')) as { lrs: number[]; losses: number[]; smoothed: number[]; suggestedLr: number | null; end: string; config: Record<string, unknown> };
    expect(res.lrs[0]).toBeCloseTo(1e-5, 15);
    expect(res.lrs.length).toBe(line.steps);
    if (res.end === 'complete') {
      expect(res.lrs).toHaveLength(20);
      expect(res.lrs[19]).toBeCloseTo(1, 10);
    }
    for (let i = 1; i < res.lrs.length; i++) expect(res.lrs[i] / res.lrs[i - 1]).toBeCloseTo(1e5 ** (1 / 19), 8);
    expect(res.smoothed).toHaveLength(res.lrs.length);
    expect(line.suggested_lr).toBe(res.suggestedLr);
    if (res.suggestedLr !== null) expect(res.lrs).toContain(res.suggestedLr);
    expect(res.config).toMatchObject({ mixup: 0.5, depths: [1, 1] });
    expect(readFileSync(join(out, 'lr-find.svg'), 'utf8')).toMatch(/^<svg[\s\S]*learning rate \(log scale\)[\s\S]*<polyline[\s\S]*<\/svg>\s*$/);
  });

  it('lr-find stops when the loss diverges and checks its flags', async () => {
    const out = join(root, 'lr-div');
    const r = await quadra('lr-find', '--model', 'quadranet25_xxs', ...TINY, '--clip-grad', '0', '--min-lr', '1e-3', '--max-lr', '1e4', '--steps', '40', '--divergence', '1.05', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'lr-find.json'), 'utf8')) as { lrs: number[]; end: string };
    expect(res.end).toBe('diverged');
    expect(res.lrs.length).toBeLessThan(40);
    const bad = await quadra('lr-find', '--model', 'quadranet25_xxs', ...TINY, '--min-lr', '1', '--max-lr', '0.1', '--out', out);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--max-lr must be a number above --min-lr 1, got 0.1/);
    const none = await quadra('lr-find', ...TINY, '--out', out);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/give --model .* or --arch FILE/);
  });
});
