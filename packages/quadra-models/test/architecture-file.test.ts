import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, nn } from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { architectureOf, buildModel, checkConfig, parseArchitecture, QuadraBlock, QuadraNet, readArchitecture, TRAIN_DEFAULTS, type ArchitectureSpec, type TrainConfig } from '../src/index.js';

const ARCH: ArchitectureSpec = {
  depths: [2, 1], dims: [8, 16], numClasses: 10, inChannels: 1, kernelSizes: [3, 5], expansions: [2, 4],
  stem: { kernel: 2, stride: 2, padding: 0 }, block: ['quadra', 'quadra'], layerScaleInit: 1e-6,
  layerKernelSizes: [[3, 7], [5]], layerExpansions: [[2, 4], [4]],
};

describe('per-block kernel sizes and expansions', () => {
  it('each block takes its own kernel and expansion, and architectureOf gives them back', () => {
    const m = nn.withoutInit(() => new QuadraNet(ARCH));
    const blocks = m.stages[0].layers as QuadraBlock[];
    expect(blocks.map((b) => b.QuadraConv.kernelSize)).toEqual([3, 7]);
    expect(blocks.map((b) => b.mlp.pwconv1.outFeatures)).toEqual([16, 32]);
    expect(architectureOf(m)).toEqual(ARCH);
    m.dispose();
  });

  it('without them, models are built (and described) as before', () => {
    const { layerKernelSizes: _k, layerExpansions: _e, ...plain } = ARCH;
    const m = nn.withoutInit(() => new QuadraNet(plain));
    expect(architectureOf(m)).toEqual(plain);
    expect('layerKernelSizes' in architectureOf(m)).toBe(false);
    m.dispose();
  });

  it('a list that does not match the depths is an ArgumentError', () => {
    expect(() => new QuadraNet({ ...ARCH, layerKernelSizes: [[3], [5]] })).toThrow(/layerKernelSizes needs one list per stage with one positive integer per block \(depths \[2,1\]\)/);
    expect(() => new QuadraNet({ ...ARCH, layerExpansions: [[2, 0], [4]] })).toThrow(/layerExpansions/);
  });
});

describe('architecture files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arch-file-'));

  it('read back what was written; errors name the file and the field', () => {
    const ok = join(dir, 'arch.json');
    writeFileSync(ok, JSON.stringify(ARCH));
    expect(readArchitecture(ok)).toEqual(ARCH);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...ARCH, numClasses: 0 }));
    expect(() => readArchitecture(bad)).toThrow(FileFormatError);
    expect(() => readArchitecture(bad)).toThrow(/bad\.json: 'numClasses' must be a positive integer, got 0/);
    writeFileSync(bad, '{');
    expect(() => readArchitecture(bad)).toThrow(/bad\.json: not valid JSON/);
    expect(() => parseArchitecture({ ...ARCH, kernelSize: 3 }, 'x.json')).toThrow(/x\.json: .*kernelSize/);
    expect(() => readArchitecture(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the architecture file/);
  });

  it('a training configuration with an architecture builds it; depth/width flags conflict with it', () => {
    const c: TrainConfig = { ...TRAIN_DEFAULTS, model: 'arch', dataset: 'synthetic', arch: ARCH };
    const m = nn.withoutInit(() => buildModel(checkConfig(c)));
    expect(architectureOf(m)).toEqual(ARCH);
    m.dispose();
    expect(() => checkConfig({ ...c, depths: [1, 1] })).toThrow(/--arch gives the whole architecture/);
    expect(() => buildModel(c, 3, 10)).toThrow(/takes 1-channel images into 10 classes, the data set has 3 channels/);
  });
});
