/**
 * `quadra train --checkpoint-every` and a failing checkpoint write as a user sees them: the option in
 * metrics.json, a mid-epoch checkpoint that --resume continues, and a full disk as one line
 * (injected with core's test-only QUADRA_TEST_WRITE_FAULT), exit 1, no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpointState } from '@quadranet/models';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-ckpt-every-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TINY = ['--model', 'quadranet25_xxs', '--depths', '1', '--width', '8', '--dataset', 'synthetic', '--limit', '64', '--batch-size', '8', '--workers', '0'];
const quadra = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, QUADRA_NUM_THREADS: '1', ...env } });

describe.skipIf(!existsSync(CLI))('quadra train --checkpoint-every', () => {
  it('is recorded in metrics.json; a bad value is one line', () => {
    const out = join(root, 'run');
    const r = quadra(['train', ...TINY, '--epochs', '1', '--checkpoint-every', '3', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { config: { checkpointEvery: number } };
    expect(metrics.config.checkpointEvery).toBe(3);
    const bad = quadra(['train', ...TINY, '--checkpoint-every', '-2', '--out', join(root, 'bad')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^--checkpoint-every must be ≥ 0, got -2$/);
  });

  it('a full disk while writing the checkpoint: one line naming the file and the cause, exit 1; the previous checkpoint is kept', () => {
    const out = join(root, 'full');
    expect(quadra(['train', ...TINY, '--epochs', '1', '--checkpoint-every', '5', '--out', out]).status).toBe(0);
    const before = readFileSync(join(out, 'checkpoint.safetensors'));
    const r = quadra(['train', '--epochs', '2', '--resume', '--out', out], { QUADRA_TEST_WRITE_FAULT: 'ENOSPC@checkpoint.safetensors' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`cannot write ${join(out, 'checkpoint.safetensors')}: no space left on device (ENOSPC); the last good checkpoint, ${join(out, 'checkpoint.safetensors')} (epoch 1), is kept`);
    expect(readFileSync(join(out, 'checkpoint.safetensors')).equals(before)).toBe(true);
    // the next run, with space again, continues from it to the end
    const again = quadra(['train', '--epochs', '2', '--resume', '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    const { state, tensors } = readCheckpointState(join(out, 'checkpoint.safetensors'));
    for (const t of tensors.values()) t.dispose();
    expect(state).toMatchObject({ epoch: 2, step: 16 });
  });
});
