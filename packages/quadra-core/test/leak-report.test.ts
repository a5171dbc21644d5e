/**
 * Tensors dropped without dispose() are reported, not silently kept: once the collector reclaims
 * them, memory().cpu.leaked counts their storages, whose bytes leave `live` without entering the pool. Runs a child
 * process with --expose-gc (fixtures/leak-report.mjs, on the dist/ build: build first, tsc -b).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('leak report', () => {
  it('counts collected undisposed storages and releases their bytes from the accounting', () => {
    const script = fileURLToPath(new URL('./fixtures/leak-report.mjs', import.meta.url));
    const r = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8', env: { ...process.env, QUADRA_NUM_THREADS: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const { before, afterDisposed, afterDropped } = JSON.parse(r.stdout.trim().split('\n').pop()!);
    // disposed tensors are not leaks
    expect(afterDisposed.leaked).toBe(before.leaked);
    expect(afterDisposed.live).toBe(before.live);
    // 20 dropped 1 KiB storages and 10 dropped 32-byte ones: reported, and gone from live/count
    expect(afterDropped.leaked - before.leaked).toBe(30);
    expect(afterDropped.leakedBytes - before.leakedBytes).toBe(20 * 1024 + 10 * 32);
    expect(afterDropped.live).toBe(before.live);
    expect(afterDropped.count).toBe(before.count);
    // their buffers were not pooled (a caller may still hold their data()): only the disposed sums'
    // buffer (1 KiB) and the scalar operand's are, not the 20 KiB of dropped ones
    expect(afterDropped.pooled - afterDisposed.pooled).toBeLessThan(2 * 1024);
  });
});
