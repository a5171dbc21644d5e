/**
 * `quadra export --onnx` on the command line: a checkpoint and a --model/--weights pair become ONNX
 * files that onnxruntime-node runs to `quadra infer`'s logits; bad flags are one line each.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as q from '@quadranet/core';
import { relErr, train, TRAIN_DEFAULTS } from '@quadranet/models';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-onnx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ckpt = join(root, 'run', 'checkpoint.safetensors');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** [n, 1, 28, 28] input file and our logits for it from `quadra infer --checkpoint`. */
function inputAndLogits(n: number): { x: Float32Array; want: Float32Array } {
  const x = Float32Array.from({ length: n * 28 * 28 }, (_, i) => Math.sin(i * 0.37));
  const file = join(root, `x${n}.safetensors`);
  q.saveTensors(file, { input: q.tensor(x, [n, 1, 28, 28]) });
  const out = join(root, `l${n}.safetensors`);
  const r = run('infer', '--checkpoint', ckpt, '--input', file, '--output', out);
  expect(r.status, r.stderr).toBe(0);
  return { x, want: Float32Array.from(q.loadTensors(out).tensors.get('logits')!.data()) };
}

async function onnxLogits(file: string, x: Float32Array, n: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(readFileSync(file), { intraOpNumThreads: 1 });
  try {
    return (await s.run({ input: new ort.Tensor('float32', x, [n, 1, 28, 28]) })).logits.data as Float32Array;
  } finally {
    await s.release();
  }
}

beforeAll(async () => {
  await train({ ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 1, batchSize: 64, limit: 128, workers: 0, depths: [1, 1], width: 8 }, join(root, 'run'), false);
}, 120_000);

describe.skipIf(!existsSync(CLI))('quadra export --onnx', () => {
  it('a checkpoint: the ONNX logits equal `quadra infer` (batch 2, size from the checkpoint)', async () => {
    const file = join(root, 'ckpt.onnx');
    const r = run('export', '--checkpoint', ckpt, '--onnx', file, '--batch', '2', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ onnx: file, opset: 17, input: [2, 1, 28, 28], classes: 10 });
    const { x, want } = inputAndLogits(2);
    expect(relErr(await onnxLogits(file, x, 2), want)).toBeLessThan(1e-4);
  });

  it('--model/--weights from `export --pytorch`, dynamic batch: runs at batch 1 and 3', async () => {
    const pt = join(root, 'pt.safetensors');
    expect(run('export', '--checkpoint', ckpt, '--pytorch', pt).status).toBe(0);
    const file = join(root, 'dyn.onnx');
    const r = run('export', '--model', join(root, 'pt.config.json'), '--weights', pt, '--onnx', file, '--batch', 'dynamic', '--opset', '18');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^wrote ${file.replace(/[.]/g, '\\.')} \\(ONNX opset 18, input \\[N, 1, 28, 28\\] NCHW → logits \\[N, 10\\], [\\d,]+ parameters\\)$`));
    for (const n of [1, 3]) {
      const { x, want } = inputAndLogits(n);
      expect(relErr(await onnxLogits(file, x, n), want)).toBeLessThan(1e-4);
    }
  });

  it('bad flags are one line each, naming the flag and the value', () => {
    const out = join(root, 'never.onnx');
    const cases: [string[], string][] = [
      [['--checkpoint', ckpt, '--onnx', out, '--batch', '0'], '--batch must be a positive integer or dynamic, got "0"'],
      [['--checkpoint', ckpt, '--onnx', out, '--batch', 'some'], '--batch must be a positive integer or dynamic, got "some"'],
      [['--checkpoint', ckpt, '--onnx', out, '--opset', '13'], '--opset must be ≥ 17, got 13'],
      [['--checkpoint', ckpt, '--onnx', out, '--opset', '30'], '--opset must be ≤ 21, got 30'],
      [['--checkpoint', ckpt, '--onnx', out, '--size', '0x3'], '--size must be a size S or HxW of positive integers, got "0x3"'],
      [['--checkpoint', ckpt, '--pytorch', join(root, 'p.safetensors'), '--opset', '18'], '--opset applies only to --onnx'],
      [['--checkpoint', ckpt, '--onnx', out, '--model', 'quadranet25_xxs', '--num-classes', '3'], '--checkpoint carries the model: drop --model, --num-classes'],
      [['--model', 'quadranet25_xxs', '--onnx', out], 'export needs --checkpoint <file>, or --model <name|config.json> with --weights <file>'],
      [['--model', 'quadranet25_xxs', '--weights', ckpt, '--onnx', out], `--weights ${ckpt} is a training checkpoint of \`quadra train\`: export it with --checkpoint ${ckpt} (no --model needed)`],
      [['--model', 'quadranet25_xxs', '--weights', ckpt, '--pytorch', out], '--pytorch exports a checkpoint: give --checkpoint <file> (--model/--weights are already PyTorch files)'],
    ];
    for (const [args, line] of cases) {
      const r = run('export', ...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([line]);
    }
    expect(existsSync(out)).toBe(false);
  });
});
