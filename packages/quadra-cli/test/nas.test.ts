/**
 * `quadra profile` and `quadra search` as a user runs them, on a tiny space and synthetic data
 * (one timed run per op: these check the files and messages, never the timings), and
 * `quadra train --arch` on the searched architecture.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-nas-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const quadra = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, QUADRA_NUM_THREADS: '1' } });

const SPACE = {
  format: 'quadranet-nas-space/1', name: 'tiny', input: { height: 28, width: 28, channels: 1 }, batch: 4, stem: { kernel: 4, stride: 4, padding: 0 },
  downsample: { kernel: 2, stride: 2 }, stages: [{ width: 8, depth: 2 }, { width: 16, depth: 1 }], head: { numClasses: 10 },
  candidates: { kernelSizes: [3, 5], expansions: [2], skip: true },
};
const ONE_RUN = ['--warmup', '0', '--min-runs', '1', '--max-runs', '1'];

describe.skipIf(!existsSync(CLI))('quadra profile and search', () => {
  const space = join(root, 'space.json');
  writeFileSync(space, JSON.stringify(SPACE));
  const lut = join(root, 'lut.json');

  it('profile writes a table of every op, with its fingerprint', () => {
    const r = quadra('profile', '--space', space, '--out', lut, ...ONE_RUN, '--json');
    expect(r.status, r.stderr).toBe(0);
    const t = JSON.parse(readFileSync(lut, 'utf8'));
    // stem, one downsample, head, 2 blocks at each of 2 stage shapes
    expect(Object.keys(t.entries)).toHaveLength(3 + 2 * 2);
    expect(t.fingerprint.threads).toBe(1);
    expect(t.batch).toBe(4);
    const done = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(done.event).toBe('done');
    expect(done.entries).toBe(7);
  });

  it('search writes arch.json and report.json, and train --arch trains the result', () => {
    const out = join(root, 'search');
    const r = quadra('search', '--space', space, '--lut', lut, '--latency-ms', '1000', '--dataset', 'synthetic', '--limit', '128', '--epochs', '2', '--warmup-epochs', '1',
      '--batch-size', '32', '--alpha-every', '1', '--no-measure', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events).toContain('epoch');
    expect(events[events.length - 1]).toBe('done');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.budgetMs).toBe(1000);
    expect(report.overBudget).toBe(false);
    expect(report.derived.measured).toBeNull();
    expect(report.alphaHistory).toHaveLength(2);
    const t = quadra('train', '--arch', join(out, 'arch.json'), '--dataset', 'synthetic', '--limit', '64', '--batch-size', '32', '--workers', '0', '--epochs', '1', '--out', join(root, 'train'));
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^arch on cpu: /);
    // --resume with more epochs continues the search from its checkpoint
    const again = quadra('search', '--space', space, '--lut', lut, '--latency-ms', '1000', '--dataset', 'synthetic', '--limit', '128', '--epochs', '3', '--warmup-epochs', '1',
      '--batch-size', '32', '--alpha-every', '1', '--no-measure', '--out', out, '--resume');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/resuming after epoch 2/);
    expect(again.stdout.split('\n').filter((l) => l.startsWith('epoch '))).toHaveLength(1);
  });

  it('a bad space, a corrupt table and a table of another space are one-line errors', () => {
    const bad = join(root, 'bad-space.json');
    writeFileSync(bad, JSON.stringify({ ...SPACE, stages: [{ width: 8, depth: -1 }] }));
    let r = quadra('profile', '--space', bad, '--out', join(root, 'x.json'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/bad-space\.json: stages\[0\]\.depth: /);
    const corrupt = join(root, 'corrupt.json');
    writeFileSync(corrupt, readFileSync(lut, 'utf8').slice(0, 100));
    r = quadra('search', '--space', space, '--lut', corrupt, '--latency-ms', '1', '--out', join(root, 'y'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/corrupt\.json: not valid JSON, the table is corrupt/);
    const wider = join(root, 'wider.json');
    writeFileSync(wider, JSON.stringify({ ...SPACE, stages: [{ width: 12, depth: 2 }, { width: 16, depth: 1 }] }));
    r = quadra('search', '--space', wider, '--lut', lut, '--latency-ms', '1', '--out', join(root, 'z'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/lut\.json: has no entry for \d+ ops of the space 'tiny'/);
  });
});
