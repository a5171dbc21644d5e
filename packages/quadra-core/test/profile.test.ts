// profileKernels: every dispatched kernel is counted by name, on the native and reference
// backends, with the work each call does; the result is passed through; profiles do not nest and
// end when fn throws. QUADRA_PROFILE profiles a whole process and reports at its exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { formatProfile, gelu, linear, profileKernels, profileReport, QuadraError, randn, scope, setBackend, tensor } from '../src/index.js';

describe('profileKernels', () => {
  for (const backend of ['cpu', 'ref'] as const) {
    it(`counts each kernel call by name (${backend})`, () => {
      setBackend(backend);
      try {
        const x = randn([4, 8]), w = randn([16, 8]), b = randn([16]);
        const p = profileKernels(() => scope(() => {
          const y = linear(x, w, b);
          return Array.from(gelu(gelu(y)).dataSync());
        }));
        expect(p.result).toHaveLength(64);
        const byName = Object.fromEntries(p.kernels.map((k) => [k.kernel, k.calls]));
        expect(byName.Linear).toBe(1);
        expect(byName.Gelu).toBe(2);
        const lin = p.kernels.find((k) => k.kernel === 'Linear')!;
        const gl = p.kernels.find((k) => k.kernel === 'Gelu')!;
        expect([lin.flops, lin.bytes]).toEqual([2 * 4 * 8 * 16, 0]);
        expect([gl.flops, gl.bytes]).toEqual([0, 2 * (64 * 4) * 2]);
        const r = profileReport(p);
        const rl = r.kernels.find((k) => k.kernel === 'Linear')!;
        expect(rl.gbs).toBeNull();
        if (rl.ms > 0) expect(rl.gflops).toBeCloseTo(1024 / rl.ms / 1e6, 9);
        expect(rl.meanMs).toBe(rl.ms);
        expect(r.outsideMs).toBeCloseTo(Math.max(0, p.totalMs - p.kernelMs), 9);
        const table = formatProfile(p).split('\n');
        expect(table[1]).toMatch(/^kernel\s+calls\s+total ms\s+mean µs\s+rate\s+share$/);
        expect(table.some((l) => /^Gelu\s+2\s/.test(l))).toBe(true);
        expect(table.at(-1)).toMatch(/^\(outside kernels\)/);
        expect(p.kernelMs).toBeLessThanOrEqual(p.totalMs + 1e-9);
        for (const k of p.kernels) expect(k.ms).toBeGreaterThanOrEqual(0);
        for (const t of [x, w, b]) t.dispose();
      } finally {
        setBackend('cpu');
      }
    });
  }

  it('does not nest, and stops when fn throws', () => {
    expect(() => profileKernels(() => profileKernels(() => 1))).toThrow(QuadraError);
    expect(() => profileKernels(() => { throw new RangeError('boom'); })).toThrow(RangeError);
    const p = profileKernels(() => tensor([1, 2], [2]).dispose());
    expect(p.kernels).toEqual([]);
  });
});

describe('QUADRA_PROFILE', () => {
  const script = `import('${join(import.meta.dirname, '..', 'dist', 'index.js')}').then((c) => { const x = c.randn([8, 8]); c.gelu(c.gelu(x)); })`;
  const run = (value: string) => spawnSync(process.execPath, ['-e', script], { env: { ...process.env, QUADRA_PROFILE: value }, encoding: 'utf8' });

  it('1 prints the table to stderr at exit; a .json path gets the report', () => {
    const table = run('1');
    expect(table.status).toBe(0);
    expect(table.stderr).toMatch(/^kernel profile: /);
    expect(table.stderr).toMatch(/\nGelu\s+2\s/);
    const dir = mkdtempSync(join(tmpdir(), 'quadra-profile-'));
    try {
      const file = join(dir, 'p.json');
      expect(run(file).status).toBe(0);
      const r = JSON.parse(readFileSync(file, 'utf8')) as { kernels: { kernel: string; calls: number; gbs: number | null }[]; totalMs: number };
      const g = r.kernels.find((k) => k.kernel === 'Gelu')!;
      expect(g.calls).toBe(2);
      expect(g.gbs).not.toBeNull();
      expect(r.totalMs).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a value that is neither 1 nor a .json path is an error naming the variable', () => {
    const r = run('yes');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/QUADRA_PROFILE="yes" is not accepted/);
  });
});
