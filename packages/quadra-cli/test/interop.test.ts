/** `quadra infer` against the PyTorch vectors committed with @quadranet/models (its test/fixtures/pytorch). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';

// One copy of the vectors: they are made by the models package's make_vectors.py.
const F = fileURLToPath(new URL('../../quadra-models/test/fixtures/pytorch/', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quadra-cli-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0, d = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / d);
}

const want = () => q.loadTensors(join(F, 'logits.safetensors')).tensors.get('logits')!;

describe('PyTorch interoperability', () => {
  it.skipIf(!existsSync(CLI))('`quadra infer` writes the same logits', () => {
    const out = join(dir, 'cli-logits.safetensors');
    execFileSync(process.execPath, [CLI, 'infer', '--model', join(F, 'config.json'), '--weights', join(F, 'weights.safetensors'), '--input', join(F, 'input.safetensors'), '--output', out]);
    expect(relErr(q.loadTensors(out).tensors.get('logits')!.data(), want().data())).toBeLessThan(1e-4);
  });
});
