/** `quadra infer` against the PyTorch vectors committed with @quadranet/models (its test/fixtures/pytorch). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as q from '@quadranet/core';
import { PYTORCH_VECTORS, pytorchLogits, relErr } from '@quadranet/models';
import { afterAll, describe, expect, it } from 'vitest';

const F = PYTORCH_VECTORS;
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quadra-cli-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const want = pytorchLogits;

describe('PyTorch interoperability', () => {
  it.skipIf(!existsSync(CLI))('`quadra infer` writes the same logits', () => {
    const out = join(dir, 'cli-logits.safetensors');
    execFileSync(process.execPath, [CLI, 'infer', '--model', join(F, 'config.json'), '--weights', join(F, 'weights.safetensors'), '--input', join(F, 'input.safetensors'), '--output', out]);
    expect(relErr(q.loadTensors(out).tensors.get('logits')!.data(), want().data())).toBeLessThan(1e-4);
  });
});
