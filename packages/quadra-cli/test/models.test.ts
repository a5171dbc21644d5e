/** `quadra models` (zoo table, one model's layers or module tree) and `quadra --version`. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const version = (pkg: string) => (JSON.parse(readFileSync(fileURLToPath(new URL(`../../${pkg}/package.json`, import.meta.url)), 'utf8')) as { version: string }).version;

describe.skipIf(!existsSync(CLI))('quadra models', () => {
  it('lists zoo models matching a filter with params and MACs at 224x224', () => {
    const r = run('models', 'quadranet36');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^model\s+block\s+depths\s+widths\s+params\s+MACs$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(['quadranet36_xxs', 'quadranet36_xs', 'quadranet36_t', 'quadranet36_s', 'quadranet36_b']);
    expect(r.stdout).toMatch(/quadranet36_t\s+quadra\s+3,3,27,3\s+64,128,256,512\s+23\.60 M\s+4\.13 G/);
  });

  it('one name: its layer table at --size, or its module tree with --modules', () => {
    const t = run('models', 'quadranet25_xxs', '--size', '32', '--num-classes', '10');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^quadranet25_xxs at 32x32x3, 10 classes\nlayer\s+output\s+params\s+MACs\n/);
    expect(t.stdout).toMatch(/\nhead\s+1x1x10\s+1,290\s+/);
    const m = run('models', 'quadranet25_xxs', '--modules');
    expect(m.stdout).toContain('(0-17): 18 x QuadraBlock(dim=64, k=7');
  });

  it('bad input is one line naming the flag or the filter', () => {
    const s = run('models', '--size', '-3');
    expect(s.status).toBe(1);
    expect(s.stderr.trim()).toBe('--size must be ≥ 1, got -3');
    const f = run('models', 'resnet');
    expect(f.status).toBe(1);
    expect(f.stderr.trim()).toBe("no zoo model name contains 'resnet'; `quadra models` lists them");
  });
});

describe.skipIf(!existsSync(CLI))('quadra --version', () => {
  it('prints the cli, models, core and lib versions', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`quadra ${version('quadra-cli')} (@quadranet/cli)`);
    expect(lines[1]).toBe(`@quadranet/models ${version('quadra-models')}`);
    expect(lines[2]).toBe(`@quadranet/core ${version('quadra-core')}`);
    expect(lines[3]).toMatch(new RegExp(`^@quadranet/lib ${version('quadra-lib').replace(/\./g, '\\.')} \\(`));
  });
});
