/**
 * `quadra` and `bench` with bad flags or environment: one line naming the flag (or variable) and
 * what it accepts, exit 1; `--verbose` adds the stack. Spawns the built CLIs (skipped when unbuilt).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const BENCH = fileURLToPath(new URL('../../../bench/dist/main.js', import.meta.url));

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() };
}

function expectOneLine(r: ReturnType<typeof run>, line: string | RegExp) {
  expect(r.status).toBe(1);
  expect(r.stderr.split('\n')).toHaveLength(1);
  if (typeof line === 'string') expect(r.stderr).toBe(line);
  else expect(r.stderr).toMatch(line);
}

describe.skipIf(!existsSync(CLI))('quadra: bad flags and environment', () => {
  const train = (...a: string[]) => run(CLI, ['train', '--model', 'quadranet25_xxs', '--dataset', 'synthetic', ...a]);
  it('names the flag in the user\'s terms', () => {
    expectOneLine(train('--threads', '-2'), '--threads must be ≥ 1, got -2');
    expectOneLine(train('--limit', '-5'), '--limit must be ≥ 0, got -5');
    expectOneLine(train('--epochs', 'abc'), '--epochs must be an integer ≥ 1, got "abc"');
    expectOneLine(train('--lr', '0'), '--lr must be > 0, got 0');
    expectOneLine(train('--stem', 'patch3'), '--stem must be one of small, patch1, patch2, patch4, conv2, got "patch3"');
    expectOneLine(train('--drop-path', '1'), '--drop-path must be in [0, 1), got 1');
    expectOneLine(train('--depths', '2,x'), /^--depths must be a comma-separated list/);
    expectOneLine(run(CLI, ['xor', '--steps', '0']), '--steps must be ≥ 1, got 0');
    expectOneLine(run(CLI, ['infer', '--model', 'quadranet25_xxs', '--num-classes', '-1', '--weights', 'w', '--input', 'i', '--output', 'o']), '--num-classes must be ≥ 1, got -1');
  });

  it('--verbose prints the stack', () => {
    const r = run(CLI, ['--verbose', 'train', '--model', 'quadranet25_xxs', '--threads', '-2']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('ArgumentError: --threads must be ≥ 1, got -2');
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('QUADRA_* variables are checked before a command runs', () => {
    expectOneLine(run(CLI, ['info'], { QUADRA_NUM_THREADS: 'abc' }), /^QUADRA_NUM_THREADS="abc" is not accepted; expected a positive integer/);
    expectOneLine(run(CLI, ['info'], { QUADRA_BACKEND: 'bogus' }), /^QUADRA_BACKEND="bogus" is not accepted; expected native \| reference/);
    expectOneLine(run(CLI, ['xor', '--steps', '1'], { QUADRA_CUDA: 'yes' }), /^QUADRA_CUDA="yes" is not accepted; expected on \| off/);
  });
});

describe.skipIf(!existsSync(BENCH))('bench: bad flags', () => {
  it('each flag is checked up front: one line, exit 1', () => {
    expectOneLine(run(BENCH, ['quadrablock', '--runs', 'abc']), '--runs must be an integer ≥ 5, got "abc"');
    expectOneLine(run(BENCH, ['quadrablock', '--peers', 'foo']), '--peers takes a comma-separated list of tfjs-wasm, tfjs-cpu, pytorch (or none); got "foo"');
    expectOneLine(run(BENCH, ['quadrablock', '--blocks', 'quadra,resnet']), /^--blocks takes a comma-separated list of quadra, conv, hor, swin, skip; got "resnet"/);
    expectOneLine(run(BENCH, ['quadrablock', '--shape', '2x28x28x64k6']), /^--shape: the kernel size must be odd/);
    expectOneLine(run(BENCH, ['quadrablock', '--warmup', '-1']), '--warmup must be ≥ 0, got -1');
    expectOneLine(run(BENCH, ['quadrablock', '--peer-budget', '0']), '--peer-budget must be > 0, got 0');
    expectOneLine(run(BENCH, ['quadconv', '--runs', '5']), '--runs must be ≥ 20, got 5');
    expectOneLine(run(BENCH, ['quadconv', '--peers', 'unfused,torch']), /^--peers takes a comma-separated list of unfused, tfjs-wasm, tfjs-cpu, pytorch \(or none\); got "torch"/);
    expectOneLine(run(BENCH, ['quadconv', '--configs', '8x56x56x64k7,big']), /^--configs takes NxHxWxCkK items/);
    expectOneLine(run(BENCH, ['infer', '--peers', 'tfjs']), /^--peers takes a comma-separated list of onnxruntime, tfjs-wasm, tfjs-cpu \(or none\); got "tfjs"/);
    expectOneLine(run(BENCH, ['infer', '--models', 'resnet50']), /^--models takes a comma-separated list of .*; got "resnet50"/);
    expectOneLine(run(BENCH, ['infer', '--batches', '1,0']), /^--batches/);
  });

  // a test of its own: spawnSync blocks the worker, and one long test starves vitest's RPC
  it('train-speed checks its flags the same way', () => {
    expectOneLine(run(BENCH, ['train-speed', '--peers', 'tfjs-cpu']), /^--peers takes a comma-separated list of pytorch \(or none\); got "tfjs-cpu"/);
    expectOneLine(run(BENCH, ['train-speed', '--stem', 'patch3']), /^--stem must be one of small, patch1, patch2, patch4, conv2, got "patch3"/);
    expectOneLine(run(BENCH, ['train-speed', '--steps', '0']), '--steps must be ≥ 1, got 0');
    expectOneLine(run(BENCH, ['train-speed', '--warmup', '-1']), '--warmup must be ≥ 0, got -1');
    expectOneLine(run(BENCH, ['train-speed', '--depths', '2,x']), /^--depths must be a comma-separated list of integers/);
    expectOneLine(run(BENCH, ['train-speed', '--width', '0']), '--width must be ≥ 1, got 0');
  });
});
