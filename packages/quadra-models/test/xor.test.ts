/** The XOR demonstration (paper Figure 2): quadratic neuron 4/4, perceptron at most 3/4, MLP 4/4, and the files. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXor, XOR_CORNERS, xorCorners, type XorResult } from '../src/xor/index.js';

const SEEDS = [1, 2, 3, 4, 5];
const bySeed = new Map<number, XorResult>(SEEDS.map((s) => [s, runXor({ seed: s })]));
const model = (r: XorResult, key: string) => r.models.find((m) => m.key === key)!;

describe('XOR', () => {
  it('data: ±1 corners, class 1 where the signs differ', () => {
    const c = xorCorners();
    expect(Array.from(c.x)).toEqual(XOR_CORNERS.flat());
    expect(Array.from(c.y)).toEqual([0, 1, 1, 0]);
  });

  it.each(SEEDS)('one quadratic neuron separates XOR (seed %i)', (seed) => {
    const q = model(bySeed.get(seed)!, 'quadratic');
    expect(q.correct, `seed ${seed}`).toBe(4);
    expect(q.accuracy).toBe(1);
    expect(q.trainAccuracy).toBe(1);
    expect(q.numParameters).toBe(9);
    expect(q.finalLoss).toBeLessThan(0.05);
  });

  it.each(SEEDS)('a perceptron gets at most 3 of the 4 points (seed %i)', (seed) => {
    const p = model(bySeed.get(seed)!, 'perceptron');
    expect(p.correct, `seed ${seed}`).toBeLessThanOrEqual(3);
    expect(p.numParameters).toBe(3);
    // The best a line can do on the symmetric cloud is chance: the loss stays near log 2.
    expect(p.finalLoss).toBeGreaterThan(0.6);
  });

  it.each(SEEDS)('the 10-unit MLP separates XOR (seed %i)', (seed) => {
    const m = model(bySeed.get(seed)!, 'mlp');
    expect(m.correct, `seed ${seed}`).toBe(4);
    expect(m.numParameters).toBe(2 * 10 + 10 + 10 + 1);
  });

  it('no line w·x + b gets all four points: exhaustive check over a grid of (w1, w2, b)', () => {
    let best = 0;
    const vals = Array.from({ length: 41 }, (_, i) => -2 + i * 0.1);
    for (const w1 of vals) for (const w2 of vals) for (const b of vals) {
      let k = 0;
      for (const [x1, x2] of XOR_CORNERS) if ((w1 * x1 + w2 * x2 + b > 0 ? 1 : 0) === (x1 * x2 < 0 ? 1 : 0)) k++;
      best = Math.max(best, k);
    }
    expect(best).toBe(3);
  });

  it('the quadratic neuron also converges on the four points alone', () => {
    for (const seed of SEEDS) expect(model(runXor({ seed, perCorner: 0 }), 'quadratic').correct, `seed ${seed}`).toBe(4);
  });

  it('is deterministic for a seed', () => {
    const a = runXor({ seed: 7, steps: 50 });
    const b = runXor({ seed: 7, steps: 50 });
    expect(b.models).toEqual(a.models);
  });

  it('rejects bad options', () => {
    expect(() => runXor({ steps: -1 })).toThrow(/steps/);
    expect(() => runXor({ lr: 0 })).toThrow(/lr/);
    expect(() => runXor({ seed: 1.5 })).toThrow(/seed/);
  });

  it('writes xor.svg (three panels) and xor.json (the returned results), atomically', () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'quadra-xor-'));
    try {
      const out = join(dir, 'nested', 'out');
      const r = runXor({ seed: 1, outDir: out });
      expect(r.files).toEqual({ svg: join(out, 'xor.svg'), json: join(out, 'xor.json') });
      expect(fs.readdirSync(out).sort()).toEqual(['xor.json', 'xor.svg']); // no temporary files left

      const svg = fs.readFileSync(r.files!.svg, 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg.match(/<svg[\s>]/g)).toHaveLength(1);
      expect(svg.match(/<g class="panel"/g)).toHaveLength(3);
      expect(svg.match(/<g[\s>]/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
      expect(svg.match(/<g class="xor-points">(?:\s*<circle [^>]*\/>){4}\s*<\/g>/g)).toHaveLength(3);
      expect(svg).not.toMatch(/NaN|undefined/);
      for (const m of r.models) expect(svg).toContain(`${m.name.replace(/&/g, '&amp;')}: ${m.correct}/4`);
      expect(svg).toContain('Quadratic neuron: 4/4 (100%)');
      // every element is closed: strip self-closing tags, then open and close tags must pair up
      const tags = [...svg.replace(/<[^>]*\/>/g, '').matchAll(/<(\/?)([a-z]+)[^>]*>/g)];
      const stack: string[] = [];
      for (const [, close, name] of tags) {
        if (close) expect(stack.pop()).toBe(name);
        else stack.push(name);
      }
      expect(stack).toEqual([]);

      const json = JSON.parse(fs.readFileSync(r.files!.json, 'utf8')) as XorResult;
      expect(json).toEqual(r);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
