import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkLut, currentFingerprint, FASHION_MNIST_SPACE, LutError, LutMismatchError, lutArchitectureLatency, loadLut, profileSpace, saveLut, SPACE_FORMAT, spaceLatencyQuantiles, type SearchSpace,
} from '../src/index.js';
import { fakeLut } from './lut-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nas-lut-'));
const TINY: SearchSpace = {
  format: SPACE_FORMAT, name: 'tiny', input: { height: 8, width: 8, channels: 1 }, batch: 2, stem: { kernel: 2, stride: 2, padding: 0 },
  downsample: { kernel: 2, stride: 2 }, stages: [{ width: 4, depth: 1 }, { width: 8, depth: 1 }], head: { numClasses: 3 },
  candidates: { kernelSizes: [3], expansions: [2], skip: true },
};

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('latency table files', () => {
  it('round trip: save then load gives the same table; the write leaves no temp file', () => {
    const lut = fakeLut(FASHION_MNIST_SPACE);
    const file = join(dir, 'rt.json');
    saveLut(file, lut);
    expect(loadLut(file)).toEqual(lut);
    expect(readdirSync(dir).filter((f) => f.startsWith('rt.json') && f !== 'rt.json')).toEqual([]);
    expect(checkLut(loadLut(file), FASHION_MNIST_SPACE, file, { here: currentFingerprint('cpu') }).warnings).toEqual([]);
  });

  it('corrupt tables are LutErrors naming the file and field', () => {
    const lut = fakeLut(FASHION_MNIST_SPACE);
    const file = join(dir, 'corrupt.json');
    const text = JSON.stringify(lut);
    writeFileSync(file, text.slice(0, text.length / 2));
    let e = errorOf(() => loadLut(file));
    expect(e).toBeInstanceOf(LutError);
    expect(e.message).toMatch(/corrupt\.json: not valid JSON/);
    const key = Object.keys(lut.entries)[3];
    const edited = JSON.parse(text);
    edited.entries[key].median = -1;
    writeFileSync(file, JSON.stringify(edited));
    e = errorOf(() => loadLut(file));
    expect(e).toBeInstanceOf(LutError);
    expect((e as LutError).field).toBe(`entries.${key}.median`);
    edited.entries[key].median = 5 * edited.entries[key].p90;
    writeFileSync(file, JSON.stringify(edited));
    expect(errorOf(() => loadLut(file)).message).toMatch(/p10 <= median <= p90/);
    writeFileSync(file, JSON.stringify({ ...lut, format: 'quadranet-nas-lut/0' }));
    expect((errorOf(() => loadLut(file)) as LutError).field).toBe('format');
    const moved = JSON.parse(text);
    const [k0, k1] = Object.keys(moved.entries);
    moved.entries[k0] = moved.entries[k1];
    writeFileSync(file, JSON.stringify(moved));
    expect(errorOf(() => loadLut(file)).message).toMatch(/key does not match its op/);
  });

  it('mismatched tables are LutMismatchErrors; another fingerprint is only a warning', () => {
    const lut = fakeLut(FASHION_MNIST_SPACE);
    let e = errorOf(() => checkLut(lut, { ...FASHION_MNIST_SPACE, batch: 8 }, 'lut.json'));
    expect(e).toBeInstanceOf(LutMismatchError);
    expect(e.message).toMatch(/batch 32, the space 'fashion-mnist-small' uses batch 8/);
    const wider = { ...FASHION_MNIST_SPACE, stages: [{ width: 24, depth: 2 }, ...FASHION_MNIST_SPACE.stages.slice(1)] };
    e = errorOf(() => checkLut(lut, wider, 'lut.json'));
    expect(e).toBeInstanceOf(LutMismatchError);
    expect((e as LutMismatchError).missing.length).toBeGreaterThan(0);
    expect(errorOf(() => checkLut(lut, FASHION_MNIST_SPACE, 'lut.json', { mode: 'train' })).message).toMatch(/forward mode, train was asked/);
    const elsewhere = { ...lut, fingerprint: { ...lut.fingerprint, cpuModel: 'Some Other CPU', threads: 64 } };
    const { warnings } = checkLut(elsewhere, FASHION_MNIST_SPACE, 'lut.json', { here: currentFingerprint('cpu') });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cpuModel: "Some Other CPU" vs/);
    expect(warnings[0]).toMatch(/threads: 64 vs/);
  });

  it('an architecture’s table sum is its fixed ops plus its blocks (skip costs nothing)', () => {
    const lut = fakeLut(FASHION_MNIST_SPACE);
    const a = lutArchitectureLatency(lut, FASHION_MNIST_SPACE, ['k3e2', 'skip', 'k5e4', 'skip', 'skip', 'k7e2']);
    expect(a.blocks[1]).toBe(0);
    expect(a.blocks[0]).toBeGreaterThan(0);
    expect(a.total).toBeCloseTo(a.fixed + a.blocks.reduce((s, b) => s + b, 0), 12);
  });

  it('the space’s latency quantiles by the table lie between its cheapest and dearest architecture', () => {
    const lut = fakeLut(FASHION_MNIST_SPACE);
    const [q25, q50, q75] = spaceLatencyQuantiles(FASHION_MNIST_SPACE, lut, { n: 200 });
    const cheapest = lutArchitectureLatency(lut, FASHION_MNIST_SPACE, new Array(6).fill('skip')).total;
    const dearest = lutArchitectureLatency(lut, FASHION_MNIST_SPACE, new Array(6).fill('k7e4')).total;
    expect(q25.q).toBe(0.25);
    expect(cheapest).toBeLessThan(q25.ms);
    expect(q25.ms).toBeLessThan(q50.ms);
    expect(q50.ms).toBeLessThan(q75.ms);
    expect(q75.ms).toBeLessThan(dearest);
  });

  it('the profiler measures every op of a space (one run each here: not a timing test)', () => {
    const lut = profileSpace(TINY, { measure: { warmup: 0, minRuns: 1, maxRuns: 1 } });
    expect(checkLut(lut, TINY).warnings).toEqual([]);
    expect(Object.values(lut.entries).every((e) => e.n === 1 && e.median > 0)).toBe(true);
    const train = profileSpace(TINY, { mode: 'train', measure: { warmup: 0, minRuns: 1, maxRuns: 1 } });
    expect(train.mode).toBe('train');
    expect(Object.keys(train.entries)).toEqual(Object.keys(lut.entries));
    const file = join(dir, 'tiny.json');
    saveLut(file, lut);
    expect(JSON.parse(readFileSync(file, 'utf8')).fingerprint.device).toBe('cpu');
  });
});
