/**
 * A full disk or a read-only output directory: train() rejects with one typed line naming the file
 * and the cause, and the previous checkpoint is byte-identical. First with core's test-only fault
 * hook (QUADRA_TEST_WRITE_FAULT), then, where this process may mount (root in a container that
 * allows it), with a real small tmpfs (ENOSPC) and a read-only remount (EROFS).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OutputWriteError, train, TRAIN_DEFAULTS, type TrainConfig } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'quadra-write-errors-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) execFileSync('umount', [m]);
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.QUADRA_TEST_WRITE_FAULT;
});

const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', depths: [1], width: 8, epochs: 1, batchSize: 32, limit: 64, workers: 0, seed: 2, ...over,
});

/** Trains one epoch into `out`; returns the checkpoint's bytes. */
async function firstEpoch(out: string): Promise<Buffer> {
  await train(cfg(), out, false);
  return readFileSync(join(out, 'checkpoint.safetensors'));
}

async function failure(p: Promise<unknown>): Promise<OutputWriteError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(OutputWriteError);
  return err as OutputWriteError;
}

const KEPT = /; the last good checkpoint, .*checkpoint\.safetensors \(epoch 1\), is kept$/;

describe('write failures (injected)', () => {
  it('disk full while writing the checkpoint: one line naming it and ENOSPC; the previous checkpoint is unchanged, no temporary file left', async () => {
    const out = join(root, 'enospc');
    const before = await firstEpoch(out);
    process.env.QUADRA_TEST_WRITE_FAULT = 'ENOSPC@checkpoint.safetensors';
    const err = await failure(train(cfg({ epochs: 2 }), out, true));
    expect(err.message).toMatch(new RegExp(`^cannot write ${out}/checkpoint\\.safetensors: no space left on device \\(ENOSPC\\)${KEPT.source}`));
    expect(err.message).not.toContain('\n');
    expect(err).toMatchObject({ code: 'QUADRA_OUTPUT_WRITE', errno: 'ENOSPC', path: join(out, 'checkpoint.safetensors') });
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(before)).toBe(true);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a read-only directory: one line naming the file and EROFS; the previous checkpoint is unchanged', async () => {
    const out = join(root, 'erofs');
    const before = await firstEpoch(out);
    process.env.QUADRA_TEST_WRITE_FAULT = 'EROFS';
    const err = await failure(train(cfg({ epochs: 2 }), out, true));
    // the first write of a resumed run is metrics.csv, rewritten from the checkpoint
    expect(err.message).toMatch(new RegExp(`^cannot write ${out}/metrics\\.csv: read-only file system \\(EROFS\\)${KEPT.source}`));
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(before)).toBe(true);
  });

  it('an output path under a file: one line naming it and the cause, before any training', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const err = await failure(train(cfg(), join(file, 'run'), false));
    expect(err.message).toMatch(/^cannot write .*a-file\/run: a component of the path is not a directory \(ENOTDIR\); nothing was written$/);
  });
});

function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = join(root, 'probe');
  mkdirSync(probe);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  }
}

const MOUNT = canMount();

/** A tmpfs of `size` at a new directory under root. */
function tmpfs(name: string, size: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

describe.skipIf(!MOUNT)('write failures on real file systems (skipped unless root may mount tmpfs here)', () => {
  it('a full tmpfs: the checkpoint write fails with ENOSPC and the previous checkpoint is unchanged', async () => {
    const fs = tmpfs('full', '256k');
    const out = join(fs, 'run');
    const before = await firstEpoch(out);
    // fill the file system, leaving room for metrics.csv but not for a checkpoint
    const filler = join(fs, 'filler');
    writeFileSync(filler, '');
    const free = () => Number(execFileSync('df', ['-B1', '--output=avail', fs]).toString().trim().split('\n')[1]);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 8192)));
    expect(free()).toBeLessThan(before.length);
    const err = await failure(train(cfg({ epochs: 2 }), out, true));
    expect(err.message).toMatch(new RegExp(`^cannot write ${out}/checkpoint\\.safetensors: no space left on device \\(ENOSPC\\)${KEPT.source}`));
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(before)).toBe(true);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a tmpfs remounted read-only: EROFS, and the previous checkpoint is unchanged', async () => {
    const fs = tmpfs('readonly', '1m');
    const out = join(fs, 'run');
    const before = await firstEpoch(out);
    execFileSync('mount', ['-o', 'remount,ro', fs]);
    const err = await failure(train(cfg({ epochs: 2 }), out, true));
    expect(err.message).toMatch(/: read-only file system \(EROFS\); the last good checkpoint, .* \(epoch 1\), is kept$/);
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(before)).toBe(true);
  });
});
