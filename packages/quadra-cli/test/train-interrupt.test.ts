/**
 * Ctrl-C during `quadra train`: the run stops after the current step, writes its metrics and curves,
 * exits 130; the training child stops the same way when the command itself is killed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-sigint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!existsSync(CLI))('quadra train and SIGINT', () => {
  it('SIGINT after the first epoch: exit 130, metrics.json and curves.svg written, checkpoint kept', async () => {
    const out = join(root, 'run');
    const args = [CLI, 'train', '--model', 'quadranet25_xxs', '--dataset', 'synthetic', '--limit', '64', '--batch-size', '64', '--workers', '0', '--epochs', '1000', '--json', '--out', out];
    const child = spawn(process.execPath, args, { env: { ...process.env, QUADRA_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.includes('"event":"epoch"') && lines.filter((l) => l.includes('"event":"epoch"')).length === 1) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    const last = JSON.parse(lines[lines.length - 1]) as { event: string; message: string };
    expect(last.event).toBe('interrupted');
    expect(last.message).toMatch(/^interrupted at epoch \d+, step \d+ of 1: metrics.json and curves.svg hold the \d+ completed epochs?; the last good checkpoint, .* is kept; continue with --resume$/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { history: unknown[]; end: { reason: string } };
    expect(metrics.end.reason).toBe('interrupted');
    expect(metrics.history.length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toMatch(/<circle class="marker"/);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(true);
    expect(stderr).toMatch(/stopping after this step/);
  });

  it('the training runs in a child that no signal reaches: when the command is killed, the child stops after its step and writes the metrics', async () => {
    const out = join(root, 'term');
    const args = [CLI, 'train', '--model', 'quadranet25_xxs', '--dataset', 'synthetic', '--limit', '64', '--batch-size', '64', '--workers', '0', '--epochs', '1000', '--json', '--out', out];
    const parent = spawn(process.execPath, args, { env: { ...process.env, QUADRA_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
    const lines: string[] = [];
    createInterface({ input: parent.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.includes('"event":"epoch"') && lines.filter((l) => l.includes('"event":"epoch"')).length === 1) parent.kill('SIGTERM');
    });
    // the child shares the parent's stdout: it closes when the child has finished
    await new Promise((resolve) => parent.stdout.on('close', resolve));
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ event: 'interrupted' });
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { end: { reason: string } };
    expect(metrics.end.reason).toBe('interrupted');
  });
});
