import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn } from '@quadranet/core';
import { QuadraNet, QuadraBlock, parseArchitecture } from '@quadranet/models';
import { describe, expect, it } from 'vitest';
import {
  allOps, architectureSpec, FASHION_MNIST_SPACE, IMAGENET_224_SPACE, opKey, parseSpace, readSpace, SearchSpaceError, spaceLayout, type SearchSpace,
} from '../src/index.js';

const clone = (s: SearchSpace): Record<string, unknown> => JSON.parse(JSON.stringify(s));

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SearchSpaceError);
    return (err as SearchSpaceError).field;
  }
  throw new Error('expected a SearchSpaceError');
}

describe('search space schema', () => {
  it('the default spaces validate', () => {
    expect(parseSpace(clone(FASHION_MNIST_SPACE))).toEqual(FASHION_MNIST_SPACE);
    expect(parseSpace(clone(IMAGENET_224_SPACE))).toEqual(IMAGENET_224_SPACE);
  });

  it('errors name the bad field', () => {
    const bad = (edit: (s: Record<string, any>) => void) => {
      const s = clone(FASHION_MNIST_SPACE);
      edit(s);
      return fieldOf(() => parseSpace(s, 'space.json'));
    };
    expect(bad((s) => { s.stages[1].width = 0; })).toBe('stages[1].width');
    expect(bad((s) => { s.candidates.kernelSizes = [3, 4]; })).toBe('candidates.kernelSizes[1]');
    expect(bad((s) => { s.stages[2].candidates = { kernelSizes: [3], expansions: [], skip: true }; })).toBe('stages[2].candidates.expansions');
    expect(bad((s) => { s.batch = 1.5; })).toBe('batch');
    expect(bad((s) => { s.downsample = { kernel: 3, stride: 2 }; })).toBe('downsample.kernel');
    expect(bad((s) => { s.input.channels = undefined; })).toBe('input.channels');
    expect(bad((s) => { s.format = 'other/1'; })).toBe('format');
    expect(bad((s) => { s.extra = 1; })).toBe('extra');
    expect(bad((s) => { s.stages[0].kernel = 3; })).toBe('stages[0].kernel');
    // five stages of downsampling leave no pixels of 28×28 (14, 7, 3, 1, then 0)
    expect(bad((s) => { s.stages = [1, 2, 3, 4, 5].map(() => ({ width: 8, depth: 1 })); })).toBe('stages[4]');
    expect(() => parseSpace({ ...clone(FASHION_MNIST_SPACE), batch: 0 }, 'space.json')).toThrow(/^space\.json: batch: /);
  });

  it('reads files, naming the file when it is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-space-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(FASHION_MNIST_SPACE));
    writeFileSync(join(dir, 'bad.json'), '{"format": ');
    expect(readSpace(join(dir, 'ok.json')).name).toBe('fashion-mnist-small');
    expect(() => readSpace(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
  });
});

describe('space layout', () => {
  it('places every searchable layer at its stage’s shape with the paper’s candidates', () => {
    const l = spaceLayout(FASHION_MNIST_SPACE);
    expect(l.stageShapes).toEqual([[14, 14, 16], [7, 7, 32], [3, 3, 64]]);
    expect(l.layers).toHaveLength(6);
    expect(l.layers[0].candidates.map((c) => c.id)).toEqual(['k3e2', 'k3e4', 'k5e2', 'k5e4', 'k7e2', 'k7e4', 'skip']);
    // 3 fixed-position kinds (stem, 2 downsamples, head) + 3 stages × 7 candidates, layers of a stage sharing entries
    const ops = allOps(FASHION_MNIST_SPACE);
    expect(ops).toHaveLength(4 + 3 * 7);
    expect(new Set(ops.map(opKey)).size).toBe(ops.length);
  });

  it('an architecture becomes QuadraNet options: per-layer choices, skip removes the layer', () => {
    const choices = ['k3e2', 'skip', 'skip', 'skip', 'k7e4', 'k5e2'];
    const spec = architectureSpec(FASHION_MNIST_SPACE, choices);
    expect(spec.depths).toEqual([1, 0, 2]);
    expect(spec.layerKernelSizes).toEqual([[3], [], [7, 5]]);
    expect(spec.layerExpansions).toEqual([[2], [], [4, 2]]);
    const parsed = parseArchitecture(JSON.parse(JSON.stringify(spec)), 'arch.json');
    const m = nn.withoutInit(() => new QuadraNet(parsed));
    const blocks = m.stages[2].layers as QuadraBlock[];
    expect(blocks.map((b) => b.QuadraConv.kernelSize)).toEqual([7, 5]);
    expect(blocks.map((b) => b.mlp.pwconv1.outFeatures)).toEqual([4 * 64, 2 * 64]);
    m.dispose();
    expect(() => architectureSpec(FASHION_MNIST_SPACE, ['k3e2'])).toThrow(/one choice per searchable layer \(6\)/);
    expect(() => architectureSpec(FASHION_MNIST_SPACE, ['k3e2', 'k9e2', 'skip', 'skip', 'skip', 'skip'])).toThrow(/choices\[1\]: 'k9e2' is not a candidate/);
  });
});
