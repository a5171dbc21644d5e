/** PyTorch interoperability against committed vectors made by fixtures/pytorch/make_vectors.py. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  infer, loadPyTorchStateDict, modelFrom, PYTORCH_VECTORS, pytorchLogits, relErr, toPyTorchStateDict,
} from '../src/index.js';

const F = PYTORCH_VECTORS;
const dir = mkdtempSync(join(tmpdir(), 'quadra-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const want = pytorchLogits;

describe('PyTorch interoperability', () => {
  it('logits match PyTorch for the same weights and input (relative error < 1e-4)', () => {
    const out = join(dir, 'logits.safetensors');
    const got = infer({ model: join(F, 'config.json'), weights: join(F, 'weights.safetensors'), input: join(F, 'input.safetensors'), output: out });
    expect(got.shape).toEqual([2, 10]);
    expect(relErr(got.data(), want().data())).toBeLessThan(1e-4);
    expect(relErr(q.loadTensors(out).tensors.get('logits')!.data(), want().data())).toBeLessThan(1e-4);
  });

  it('saves back in PyTorch form: same names, shapes and values as the file it loaded', () => {
    const src = q.loadTensors(join(F, 'weights.safetensors')).tensors;
    const m = modelFrom(join(F, 'config.json'));
    loadPyTorchStateDict(m, src);
    const back = toPyTorchStateDict(m);
    expect([...back.keys()].sort()).toEqual([...src.keys()].sort());
    for (const [k, t] of src) {
      expect(back.get(k)!.shape, k).toEqual(t.shape);
      expect(Array.from(back.get(k)!.data()), k).toEqual(Array.from(t.data()));
    }
  });

  it('reports wrong layouts and names by key', () => {
    const src = new Map(q.loadTensors(join(F, 'weights.safetensors')).tensors);
    src.set('stages.0.0.pwconv1.weight', q.zeros([3, 3]));
    src.delete('head.bias');
    const m = modelFrom(join(F, 'config.json'));
    expect(() => loadPyTorchStateDict(m, src)).toThrow(/stages\.0\.0\.pwconv1\.weight: PyTorch shape \[3, 3\] does not map onto our \[32, 8\]/);
    expect(() => loadPyTorchStateDict(m, src)).toThrow(/missing keys: head\.bias/);
  });
});
