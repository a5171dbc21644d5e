// A missing or broken binary gives a NativeLoadError that says what was looked for and what to do.
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { loadNative, NativeLoadError } from '../src/index.js';
import { packageRoot } from '../src/native.js';
import { thrown } from './helpers.js';

describe('native loader', () => {
  it('explains a missing binary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quadra-empty-'));
    const err = thrown(() => loadNative(dir));
    expect(err).toBeInstanceOf(NativeLoadError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${process.platform}-${process.arch}`);
    expect(msg).toContain(join(dir, 'build', 'Release'));
    expect(msg).toContain(join(dir, 'prebuilds'));
    expect(msg).toContain(`looked for: ${join(dir, 'build', 'Release', 'quadra.node')}, ${join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'quadra.node')}`);
    expect(msg).toMatch(/no prebuilt binary ships for \S+ \(prebuilds here: none\)/);
    expect(msg).toMatch(/--build-from-source/);
    expect(msg).toMatch(/likely causes:/);
    expect(msg).toMatch(/build:native/);
    expect(msg).toMatch(/QUADRA_BACKEND=reference/);
    expect((err as NativeLoadError).code).toBe('QUADRA_NATIVE_LOAD');
  });

  it('explains a broken binary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quadra-broken-'));
    mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
    writeFileSync(join(dir, 'build', 'Release', 'quadra.node'), 'not an ELF file');
    const err = thrown(() => loadNative(dir));
    expect(err).toBeInstanceOf(NativeLoadError);
    expect((err as Error).message).toMatch(/loading .*quadra\.node failed/);
    expect((err as Error).message).toMatch(/loader said: .*(invalid ELF|too short)/);
  });

  it('a package with no loadable binary fails at the first kernel call, not silently on the reference', () => {
    // A copy of the built package without build/ and prebuilds/: what a platform with no prebuild
    // and no compiler gets.
    const dir = mkdtempSync(join(tmpdir(), 'quadra-nobinary-'));
    cpSync(join(packageRoot, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(packageRoot, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(packageRoot, 'node_modules'), join(dir, 'node_modules'));
    const script = `
      import { info, quadconv2d } from './dist/index.js';
      const i = info();
      let err = null;
      try { quadconv2d(new Float32Array(1), { n: 1, h: 1, w: 1, c: 1 }, { wa: Float32Array.of(1), wb: Float32Array.of(1), wc: Float32Array.of(1) }, 1); }
      catch (e) { err = { name: e.constructor.name, code: e.code, message: e.message }; }
      console.log(JSON.stringify({ backend: i.backend, err }));`;
    const env = { ...process.env };
    delete env.QUADRA_BACKEND;
    delete env.QUADRA_NATIVE_BUILD; // this package copy's own (missing) binary, not a sanitizer build
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env, encoding: 'utf8' });
    const r = JSON.parse(out) as { backend: string; err: { name: string; code: string; message: string } | null };
    expect(r.backend).toBe('unavailable');
    expect(r.err?.name).toBe('NativeLoadError');
    expect(r.err?.code).toBe('QUADRA_NATIVE_LOAD');
    expect(r.err?.message).toContain(`${process.platform}-${process.arch}`);
    expect(r.err?.message).toContain(join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'quadra.node'));
    expect(r.err?.message).toMatch(/QUADRA_BACKEND=reference/);
  });

  it('falls back to the reference kernels with QUADRA_BACKEND=reference', () => {
    const script = `
      import { info, quadconv2d } from './src/index.ts';
      const i = info();
      const y = quadconv2d(new Float32Array([2]), { n: 1, h: 1, w: 1, c: 1 },
        { wa: Float32Array.of(1), wb: Float32Array.of(3), wc: Float32Array.of(1) }, 1);
      console.log(JSON.stringify({ backend: i.backend, y: y[0], err: i.nativeError }));`;
    // Run the built JS in a child so this process keeps its native module.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script.replace('./src/index.ts', './dist/index.js')], {
      cwd: packageRoot,
      env: { ...process.env, QUADRA_BACKEND: 'reference' },
      encoding: 'utf8',
    });
    const r = JSON.parse(out) as { backend: string; y: number; err: string };
    expect(r.backend).toBe('reference');
    expect(r.y).toBe(2 * 6 + 2); // (1*2)(3*2) + 1*2
    expect(r.err).toMatch(/QUADRA_BACKEND=reference/);
  });
});

describe('quadra info', () => {
  it('prints version, SIMD target, threads and CUDA status as JSON', () => {
    const out = execFileSync(process.execPath, [join(packageRoot, 'dist', 'cli.js'), 'info', '--json'], { encoding: 'utf8' });
    const i = JSON.parse(out) as Record<string, unknown>;
    expect(i.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof i.simd).toBe('string');
    expect(i.threads).toBeGreaterThanOrEqual(1);
    expect(i.cuda).toMatchObject({ available: false });
    expect(typeof (i.cuda as { reason: string }).reason).toBe('string');
  });

  it('honours QUADRA_NUM_THREADS', () => {
    const out = execFileSync(process.execPath, [join(packageRoot, 'dist', 'cli.js'), 'info', '--json'], {
      encoding: 'utf8', env: { ...process.env, QUADRA_NUM_THREADS: '1' },
    });
    const i = JSON.parse(out) as { threads: number; backend: string };
    if (i.backend === 'native') expect(i.threads).toBe(1);
  });
});
