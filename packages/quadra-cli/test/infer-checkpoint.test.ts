/**
 * The train → infer → export → eval workflow on the command line, on one tiny checkpoint:
 * `infer --checkpoint` needs no model flags, `--weights <checkpoint>` says so in one line,
 * `export --pytorch` round-trips through `infer --model config.json`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as q from '@quadranet/core';
import { FASHION_MNIST_CLASSES, train, TRAIN_DEFAULTS } from '@quadranet/models';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-infer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ckpt = join(root, 'run', 'checkpoint.safetensors');
const x = join(root, 'x.safetensors');
const png = join(root, 'x.png');

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const logits = (file: string) => q.loadTensors(file).tensors.get('logits')!.data();

beforeAll(async () => {
  await train({ ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 1, batchSize: 64, limit: 128, workers: 0, depths: [1, 1], width: 8 }, join(root, 'run'), false);
  q.saveTensors(x, { input: q.tensor(Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.sin(i)), [2, 1, 28, 28]) });
  const img = new PNG({ width: 40, height: 40 });
  for (let i = 0; i < 1600; i++) img.data.set([i % 256, i % 256, i % 256, 255], 4 * i);
  writeFileSync(png, PNG.sync.write(img));
}, 120_000);

describe.skipIf(!existsSync(CLI))('quadra infer --checkpoint', () => {
  it('prints the top-k classes of an image with no model flags', () => {
    const r = run('infer', '--checkpoint', ckpt, '--input', png, '--top-k', '3');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${png}:`);
    expect(lines.slice(1)).toHaveLength(3);
    for (const l of lines.slice(1)) expect(l).toMatch(/^\s+\d+\.\d\d% {2}class \d$/);
  });

  it('prints class names where the checkpoint has them', () => {
    const { tensors, metadata } = q.loadTensors(ckpt);
    const state = JSON.parse(metadata.state) as { model: object };
    const named = join(root, 'named.safetensors');
    q.saveTensors(named, tensors, { ...metadata, state: JSON.stringify({ ...state, model: { ...state.model, classNames: FASHION_MNIST_CLASSES } }) });
    const r = run('infer', '--checkpoint', named, '--input', png, '--top-k', '10');
    expect(r.status).toBe(0);
    const names = r.stdout.trim().split('\n').slice(1).map((l) => /class (\d) \((.+)\)$/.exec(l)!);
    expect(names.map((m) => m[2])).toEqual(names.map((m) => FASHION_MNIST_CLASSES[Number(m[1])]));
  });

  it('--json: one object with the top-k per image; --output writes the logits', () => {
    const out = join(root, 'ck-logits.safetensors');
    const r = JSON.parse(execFileSync(process.execPath, [CLI, 'infer', '--checkpoint', ckpt, '--input', x, '--output', out, '--json'], { encoding: 'utf8' })) as {
      model: string; input_shape: number[]; top: { index: number; prob: number }[][];
    };
    expect(r.model).toBe('quadranet25_xxs');
    expect(r.input_shape).toEqual([2, 28, 28, 1]);
    expect(r.top.map((t) => t.length)).toEqual([5, 5]);
    expect(logits(out)).toHaveLength(20);
  });

  it('a training checkpoint as --weights, and model flags beside --checkpoint, are one clear line each', () => {
    const w = run('infer', '--model', 'quadranet25_xxs', '--weights', ckpt, '--input', x, '--output', join(root, 'never.safetensors'));
    expect(w.status).toBe(1);
    expect(w.stderr.trim().split('\n')).toEqual([`--weights ${ckpt} is a training checkpoint of \`quadra train\`: run it with \`quadra infer --checkpoint ${ckpt} --input ...\` (no --model needed)`]);
    const both = run('infer', '--checkpoint', ckpt, '--model', 'quadranet25_xxs', '--num-classes', '10', '--input', x);
    expect(both.status).toBe(1);
    expect(both.stderr.trim()).toBe('--checkpoint carries the model: drop --model, --num-classes');
    const k = run('infer', '--checkpoint', ckpt, '--input', x, '--top-k', 'abc');
    expect(k.status).toBe(1);
    expect(k.stderr.trim()).toBe('--top-k must be an integer ≥ 1, got "abc"');
    const topK = run('infer', '--model', 'quadranet25_xxs', '--weights', x, '--input', x, '--output', join(root, 'o.safetensors'), '--top-k', '3');
    expect(topK.status).toBe(1);
    expect(topK.stderr.trim()).toBe('--top-k applies only to --checkpoint; --model/--weights write logits to --output');
    const none = run('infer', '--input', x);
    expect(none.status).toBe(1);
    expect(none.stderr.trim()).toBe('infer needs --checkpoint <file>, or --model <name|config.json> with --weights <file>');
  });
});

describe.skipIf(!existsSync(CLI))('quadra export', () => {
  it('--pytorch writes a state dict and config that `infer --model/--weights` runs to the same logits', () => {
    const pt = join(root, 'pt.safetensors');
    const e = run('export', '--checkpoint', ckpt, '--pytorch', pt, '--json');
    expect(e.status).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ pytorch: pt, config: join(root, 'pt.config.json') });
    const a = join(root, 'a.safetensors');
    const b = join(root, 'b.safetensors');
    expect(run('infer', '--checkpoint', ckpt, '--input', x, '--output', a).status).toBe(0);
    expect(run('infer', '--model', join(root, 'pt.config.json'), '--weights', pt, '--input', x, '--output', b).status).toBe(0);
    const want = logits(a);
    logits(b).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('without a target says which to give', () => {
    const r = run('export', '--checkpoint', ckpt);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('export needs a target: --pytorch <file.safetensors> or --onnx <file.onnx>');
  });
});

describe.skipIf(!existsSync(CLI))('quadra eval', () => {
  it('evaluates the checkpoint from the model it carries', () => {
    const r = JSON.parse(execFileSync(process.execPath, [CLI, 'eval', '--checkpoint', ckpt, '--json'], { encoding: 'utf8' })) as { model: string; epoch: number; test_acc: number };
    expect(r).toMatchObject({ model: 'quadranet25_xxs', epoch: 1 });
    expect(r.test_acc).toBeGreaterThanOrEqual(0);
  });
});
