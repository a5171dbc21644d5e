/**
 * `--device` on the command line: without a GPU, `quadra train|eval|infer --device cuda` fail fast
 * with the backend's reason (train() itself is tested in @quadranet/models' device.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const cuda = q.deviceAvailability('cuda');
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-device-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.runIf(!cuda.available)('without a GPU', () => {
  it.skipIf(!existsSync(CLI))('`quadra train|eval|infer --device cuda` exit non-zero with the reason and no stack trace', () => {
    // files that exist (their content is never read: the device is checked first)
    const file = join(root, 'any.safetensors');
    writeFileSync(file, '');
    const runs = [
      ['train', '--model', 'quadranet25_xxs', '--dataset', 'synthetic', '--epochs', '1', '--out', join(root, 'never'), '--device', 'cuda'],
      ['eval', '--checkpoint', file, '--device', 'cuda'],
      ['infer', '--model', 'quadranet25_xxs', '--weights', file, '--input', file, '--output', join(root, 'o.safetensors'), '--device', 'cuda'],
    ];
    for (const args of runs) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(r.status, args[0]).not.toBe(0);
      expect(r.stderr).toContain(cuda.reason);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
  });

  it.skipIf(!existsSync(CLI))('an unknown --device is rejected by name', () => {
    const r = spawnSync(process.execPath, [CLI, 'train', '--model', 'quadranet25_xxs', '--device', 'tpu'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--device must be one of cpu, cuda, got "tpu"/);
  });
});
