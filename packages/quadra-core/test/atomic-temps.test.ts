/** writeAtomic's temporary files: their names map back to the target, and only those of writers that no longer run are removed. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { atomicTempTarget, removeStaleTemps, writeFileAtomic } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-atomic-temps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.QUADRA_TEST_WRITE_FAULT;
});

describe('atomic write temporaries', () => {
  it('atomicTempTarget names the target of a temporary file and nothing else', () => {
    expect(atomicTempTarget('.checkpoint.safetensors.1234.0123456789ab.tmp')).toBe('checkpoint.safetensors');
    expect(atomicTempTarget('checkpoint.safetensors')).toBeNull();
    expect(atomicTempTarget('.checkpoint.safetensors.tmp')).toBeNull();
    expect(atomicTempTarget('.x.12.0123456789AB.tmp')).toBeNull();
  });

  it('removeStaleTemps removes the temporaries of dead writers, keeps live ones and every other file', () => {
    const dir = join(root, 'stale');
    const dead = '.a.bin.2147483646.0123456789ab.tmp';
    const live = `.b.bin.${process.pid}.0123456789ab.tmp`;
    mkdirSync(dir);
    for (const n of [dead, live, 'a.bin']) writeFileSync(join(dir, n), n);
    expect(removeStaleTemps(dir)).toEqual([join(dir, dead)]);
    expect(readdirSync(dir).sort()).toEqual([live, 'a.bin'].sort());
  });

  it('QUADRA_TEST_WRITE_FAULT (test-only) fails the write as the OS would and leaves the target and no temporary file', () => {
    const dir = join(root, 'fault');
    mkdirSync(dir);
    const target = join(dir, 'm.txt');
    writeFileAtomic(target, 'old');
    process.env.QUADRA_TEST_WRITE_FAULT = 'ENOSPC@m.txt';
    expect(() => writeFileAtomic(target, 'new')).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    writeFileAtomic(join(dir, 'other.txt'), 'other'); // only the named file fails
    process.env.QUADRA_TEST_WRITE_FAULT = 'EROFS';
    expect(() => writeFileAtomic(target, 'new')).toThrow(expect.objectContaining({ code: 'EROFS', syscall: 'open' }));
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['m.txt', 'other.txt']);
    expect(existsSync(join(dir, 'other.txt'))).toBe(true);
  });
});
