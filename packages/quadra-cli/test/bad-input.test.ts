/**
 * Bad input at the command line, command by command: a missing file, a file of the wrong type, a
 * flag value of the wrong type, a negative or absurd number, an unknown name, a model that does not
 * fit its weights, an unknown option. Each case must exit 1 with one line on stderr naming the
 * flag, argument or file (no stack trace), and with --json one JSON error object on stdout
 * ({"error":{"code","name","message"}}). Spawns the built CLI (skipped when unbuilt), a few at once.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as q from '@quadranet/core';
import { exportPyTorch, train, TRAIN_DEFAULTS } from '@quadranet/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'quadra-cli-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const f = (name: string) => join(root, name);
const ck = f('run/checkpoint.safetensors'); // quadranet25_xxs, depths 1,1, width 8, 1 channel, 10 classes
const pt = f('pt.safetensors'); // the same as PyTorch weights, with pt.config.json
const ptConfig = f('pt.config.json');
const x = f('x.safetensors'); // an NCHW input
const text = f('text.txt');
const png = f('fake.png'); // PNG signature, then garbage
const trunc = f('trunc.safetensors'); // the checkpoint's first 40 bytes
const missing = f('missing.safetensors');
const badData = f('bad-data'); // IDX names holding text
const dir = f('a-dir');

interface Result { status: number | null; stdout: string; stderr: string }

function quadra(args: readonly string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, QUADRA_NUM_THREADS: '1' } }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** Runs every command line, `limit` at a time (each is mostly Node's start-up). */
async function runAll(lines: readonly (readonly string[])[], limit = 4): Promise<Result[]> {
  const out: Result[] = new Array(lines.length);
  let next = 0;
  const worker = async () => {
    while (next < lines.length) {
      const i = next++;
      out[i] = await quadra(lines[i]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

beforeAll(async () => {
  await train({ ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 1, batchSize: 32, limit: 32, workers: 0, depths: [1, 1], width: 8 }, f('run'), false);
  exportPyTorch(ck, pt);
  q.saveTensors(x, { input: q.tensor(new Float32Array(28 * 28), [1, 1, 28, 28]) });
  writeFileSync(text, 'hello\n');
  writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage garbage')]));
  writeFileSync(trunc, readFileSync(ck).subarray(0, 40));
  mkdirSync(badData);
  for (const n of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(badData, n), 'not idx\n');
  mkdirSync(dir);
}, 120_000);

/** A command line and what its one line must say. */
interface Case { args: string[]; says: RegExp; json?: false }

const out = (name: string) => f(`out/${name}`);
const TRAIN = ['train', '--model', 'quadranet25_xxs', '--dataset', 'synthetic', '--epochs', '1', '--limit', '8'];

function cases(): Case[] {
  mkdirSync(f('out'), { recursive: true });
  return [
    // unknown commands, options and missing arguments (commander's errors)
    { args: ['nosuch'], says: /^unknown command 'nosuch'/ },
    { args: ['info', '--bogus'], says: /^unknown option '--bogus'$/ },
    { args: ['info', '--jsn'], says: /^unknown option '--jsn' \(Did you mean --json\?\)$/ },
    { args: ['eval', '--chekpoint', ck], says: /^required option '--checkpoint <file>' not specified$/ },
    { args: ['eval'], says: /^required option '--checkpoint <file>' not specified$/ },
    // (with --json after it, --checkpoint would take '--json' for its file)
    { args: ['eval', '--checkpoint'], says: /^option '--checkpoint <file>' argument missing$/, json: false },
    { args: ['info', 'extra'], says: /^too many arguments for 'info'/ },
    // train: numbers of the wrong type, negative, absurd; unknown names; missing and wrong files
    { args: [...TRAIN, '--epochs', 'abc'], says: /^--epochs must be an integer ≥ 1, got "abc"$/ },
    { args: [...TRAIN, '--epochs', '1e12'], says: /^--epochs must be ≤ 100000, got 1000000000000$/ },
    { args: [...TRAIN, '--batch-size', '0'], says: /^--batch-size must be ≥ 1, got 0$/ },
    { args: [...TRAIN, '--lr', 'NaN'], says: /^--lr must be a number, got "NaN"$/ },
    { args: [...TRAIN, '--lr', '-1'], says: /^--lr must be > 0, got -1$/ },
    { args: [...TRAIN, '--threads', '10000'], says: /^--threads must be ≤ 4096, got 10000$/ },
    { args: [...TRAIN, '--workers', '-1'], says: /^--workers must be ≥ 0, got -1$/ },
    { args: [...TRAIN, '--width', '100000000'], says: /^--width must be ≤ 8192, got 100000000$/ },
    { args: [...TRAIN, '--kernel-size', '4'], says: /^--kernel-size must be odd, got 4$/ },
    { args: [...TRAIN, '--depths', '2,-1'], says: /^--depths must be a comma-separated list of integers ≥ 0 and ≤ 1024, got "2,-1"$/ },
    { args: [...TRAIN, '--val-split', '1'], says: /^--val-split must be in \[0, 1\), got 1$/ },
    { args: [...TRAIN, '--dataset', 'cifar'], says: /^--dataset must be one of fashion-mnist, synthetic, got "cifar"$/ },
    { args: [...TRAIN, '--device', 'tpu'], says: /^--device must be one of cpu, cuda, got "tpu"$/ },
    { args: ['train', '--model', 'nosuch', '--dataset', 'synthetic', '--out', out('t1')], says: /^model: unknown name 'nosuch'; expected one of quadranet25_xxs, / },
    { args: ['train', '--arch', missing, '--out', out('t2')], says: /^--arch \S+missing\.safetensors: no such file$/ },
    { args: ['train', '--arch', text, '--dataset', 'synthetic', '--out', out('t3')], says: /text\.txt: not valid JSON/ },
    { args: ['train', '--arch', pt, '--dataset', 'synthetic', '--out', out('t4')], says: /pt\.safetensors: not valid JSON/ },
    { args: ['train', '--model', 'quadranet25_xxs', '--data-dir', f('nodir'), '--out', out('t5')], says: /^--data-dir \S+nodir: no such directory$/ },
    { args: ['train', '--model', 'quadranet25_xxs', '--data-dir', text, '--out', out('t6')], says: /^--data-dir \S+text\.txt: is a file, expected a directory$/ },
    { args: ['train', '--model', 'quadranet25_xxs', '--data-dir', badData, '--out', out('t7')], says: /bad-data\/train-images-idx3-ubyte: not an IDX file/ },
    { args: [...TRAIN, '--out', text], says: /^--out \S+text\.txt: is a file, expected a directory$/ },
    { args: ['train', '--resume', '--out', f('nothing-here')], says: /^--resume: there is no checkpoint at \S+nothing-here/ },
    // a checkpoint resumed with another model or width
    { args: ['train', '--resume', '--model', 'quadranet36_t', '--out', f('run')], says: /^--resume: --model quadranet36_t \(the checkpoint has quadranet25_xxs\) conflicts with/ },
    { args: ['train', '--resume', '--width', '16', '--out', f('run')], says: /^--resume: --width 16 \(the checkpoint has 8\) conflicts with/ },
    // eval
    { args: ['eval', '--checkpoint', missing], says: /^--checkpoint \S+missing\.safetensors: no such file$/ },
    { args: ['eval', '--checkpoint', dir], says: /^--checkpoint \S+a-dir: is a directory, expected a file$/ },
    { args: ['eval', '--checkpoint', text], says: /text\.txt: not a safetensors file/ },
    { args: ['eval', '--checkpoint', png], says: /fake\.png: not a safetensors file/ },
    { args: ['eval', '--checkpoint', trunc], says: /trunc\.safetensors: truncated or not a safetensors file/ },
    { args: ['eval', '--checkpoint', pt], says: /pt\.safetensors: not a QuadraNet checkpoint/ },
    { args: ['eval', '--checkpoint', ck, '--data-dir', f('nodir')], says: /^--data-dir \S+nodir: no such directory$/ },
    // infer
    { args: ['infer', '--checkpoint', ck, '--input', f('nope.png')], says: /^--input \S+nope\.png: no such file$/ },
    { args: ['infer', '--checkpoint', ck, '--input', text], says: /^--input \S+text\.txt: not a PNG, JPEG or \.npy file/ },
    { args: ['infer', '--checkpoint', ck, '--input', png], says: /fake\.png: cannot decode the PNG image/ },
    { args: ['infer', '--checkpoint', ck, '--input', pt], says: /^--input \S+pt\.safetensors: needs a tensor 'input' of shape \(N, C, H, W\)$/ },
    { args: ['infer', '--checkpoint', ck, '--input', x, '--top-k', '0'], says: /^--top-k must be ≥ 1, got 0$/ },
    { args: ['infer', '--checkpoint', ck, '--input', x, '--top-k', 'many'], says: /^--top-k must be an integer ≥ 1, got "many"$/ },
    { args: ['infer', '--checkpoint', pt, '--input', x], says: /pt\.safetensors: not a QuadraNet checkpoint/ },
    { args: ['infer', '--checkpoint', ck, '--model', 'quadranet36_t', '--input', x], says: /^--checkpoint carries the model: drop --model$/ },
    { args: ['infer', '--checkpoint', ck, '--input', x, '--output', f('nodir/l.safetensors')], says: /^--output \S+l\.safetensors: the directory \S+nodir does not exist$/ },
    { args: ['infer', '--model', 'nosuch', '--weights', pt, '--input', x, '--output', out('l.safetensors')], says: /^model: unknown name 'nosuch'/ },
    { args: ['infer', '--model', 'quadranet25_xxs', '--weights', missing, '--input', x, '--output', out('l.safetensors')], says: /^--weights \S+missing\.safetensors: no such file$/ },
    { args: ['infer', '--model', 'quadranet25_xxs', '--weights', png, '--input', x, '--output', out('l.safetensors')], says: /fake\.png: not a safetensors file/ },
    { args: ['infer', '--model', 'quadranet25_xxs', '--weights', ck, '--input', x, '--output', out('l.safetensors')], says: /is a training checkpoint of `quadra train`/ },
    { args: ['infer', '--model', f('none.json'), '--weights', pt, '--input', x, '--output', out('l.safetensors')], says: /none\.json: cannot read the model config file/ },
    { args: ['infer', '--model', text, '--weights', pt, '--input', x, '--output', out('l.safetensors')], says: /text\.txt: not valid JSON/ },
    // weights of one model given with another
    { args: ['infer', '--model', 'quadranet25_xxs', '--weights', pt, '--input', x, '--output', out('l.safetensors')], says: /^--weights \S+pt\.safetensors does not fit the model quadranet25_xxs: missing keys: .*… \(\d+ more\)/ },
    { args: ['infer', '--model', ptConfig, '--weights', pt, '--num-classes', '5', '--input', x, '--output', out('l.safetensors')], says: /does not fit the model \S+pt\.config\.json: shape mismatches: head\.bias/ },
    { args: ['infer', '--model', 'quadranet25_xxs', '--weights', pt, '--num-classes', '-1', '--input', x, '--output', out('l.safetensors')], says: /^--num-classes must be ≥ 1, got -1$/ },
    // export
    { args: ['export', '--onnx', out('m.onnx'), '--checkpoint', missing], says: /^--checkpoint \S+missing\.safetensors: no such file$/ },
    { args: ['export', '--onnx', out('m.onnx'), '--checkpoint', trunc], says: /trunc\.safetensors: truncated or not a safetensors file/ },
    { args: ['export', '--onnx', out('m.onnx'), '--model', 'quadranet36_t', '--weights', pt], says: /^--weights \S+pt\.safetensors does not fit the model quadranet36_t: / },
    { args: ['export', '--onnx', out('m.onnx'), '--checkpoint', ck, '--opset', '99'], says: /^--opset must be ≤ 21, got 99$/ },
    { args: ['export', '--onnx', out('m.onnx'), '--checkpoint', ck, '--size', '3'], says: /^ONNX export: a 3×3 input leaves no pixels/ },
    { args: ['export', '--onnx', out('m.onnx'), '--checkpoint', ck, '--size', '100000'], says: /^--size must be at most 8192 pixels a side, got 100000x100000$/ },
    { args: ['export', '--onnx', out('m.onnx'), '--checkpoint', ck, '--batch', '0'], says: /^--batch must be a positive integer or dynamic, got "0"$/ },
    { args: ['export', '--onnx', f('nodir/m.onnx'), '--checkpoint', ck], says: /^--onnx \S+m\.onnx: the directory \S+nodir does not exist$/ },
    { args: ['export', '--onnx', dir, '--checkpoint', ck], says: /^--onnx \S+a-dir: is a directory, expected a file name$/ },
    { args: ['export', '--pytorch', out('p.safetensors'), '--checkpoint', pt], says: /pt\.safetensors: not a QuadraNet checkpoint/ },
    { args: ['export', '--checkpoint', ck], says: /^export needs a target: --pytorch <file\.safetensors> or --onnx <file\.onnx>$/ },
    // models
    { args: ['models', 'nosuch'], says: /^no zoo model name contains 'nosuch'/ },
    { args: ['models', 'quadranet25_xxs', '--size', '3'], says: /^--size 3 is too small: .*leaves no pixels/ },
    { args: ['models', '--size', 'abc'], says: /^--size must be an integer ≥ 1, got "abc"$/ },
    { args: ['models', 'quadranet25_xxs', '--num-classes', '1e12'], says: /^--num-classes must be ≤ 100000, got 1000000000000$/ },
    // xor
    { args: ['xor', '--steps', '1e12'], says: /^--steps must be ≤ 1000000, got 1000000000000$/ },
    { args: ['xor', '--seed', '-1'], says: /^--seed must be ≥ 0, got -1$/ },
    { args: ['xor', '--out', text], says: /^--out \S+text\.txt: is a file, expected a directory$/ },
    // profile and search
    { args: ['profile', '--out', out('lut.json'), '--space', f('none.json')], says: /^--space \S+none\.json: neither a default space \(fashion-mnist, / },
    { args: ['profile', '--out', out('lut.json'), '--space', text], says: /text\.txt: not valid JSON/ },
    { args: ['profile', '--out', out('lut.json'), '--space', ptConfig], says: /pt\.config\.json: format: / },
    { args: ['profile', '--out', out('lut.json'), '--compare', missing], says: /^--compare \S+missing\.safetensors: no such file$/ },
    { args: ['profile', '--out', out('lut.json'), '--min-runs', '10', '--max-runs', '2'], says: /^--max-runs 2 is below --min-runs 10$/ },
    { args: ['profile', '--out', out('lut.json'), '--threads', '0'], says: /^--threads must be ≥ 1, got 0$/ },
    { args: ['profile', '--out', f('nodir/lut.json')], says: /^--out \S+lut\.json: the directory \S+nodir does not exist$/ },
    { args: ['search', '--latency-ms', 'abc', '--out', out('s')], says: /^--latency-ms must be a number, got "abc"$/ },
    { args: ['search', '--latency-ms', '-1', '--out', out('s')], says: /^--latency-ms must be > 0, got -1$/ },
    { args: ['search', '--latency-ms', '1', '--out', out('s'), '--lut', missing], says: /^--lut \S+missing\.safetensors: no such file$/ },
    { args: ['search', '--latency-ms', '1', '--out', out('s'), '--lut', text], says: /text\.txt: not valid JSON, the table is corrupt/ },
    { args: ['search', '--latency-ms', '1', '--out', out('s'), '--epochs', '2', '--warmup-epochs', '5'], says: /^--warmup-epochs 5 must be below --epochs 2/ },
    { args: ['search', '--latency-ms', '1', '--out', out('s'), '--epochs', '1e9'], says: /^--epochs must be ≤ 100000, got 1000000000$/ },
    { args: ['search', '--latency-ms', '1', '--out', out('s'), '--data-dir', f('nodir')], says: /^--data-dir \S+nodir: no such directory$/ },
    { args: ['search', '--latency-ms', '1'], says: /^required option '--out <dir>' not specified$/ },
  ];
}

const STACK_LINE = /^\s+at /m;

describe.skipIf(!existsSync(CLI))('quadra: bad input, every command', () => {
  it('one line naming the flag or file, exit 1, no stack trace; with --json one error object on stdout', async () => {
    const table = cases();
    const texts = await runAll(table.map((c) => c.args));
    // --json: the first case of each command and every third one after (spawns cost time)
    const withJson = table.map((c, i) => c.json !== false && (i % 3 === 0 || c.args[0] !== table[i - 1].args[0]));
    const jsonRuns = await runAll(table.filter((_, i) => withJson[i]).map((c) => [...c.args, '--json']));
    let next = 0;
    const jsons = withJson.map((w) => (w ? jsonRuns[next++] : undefined));
    const failures: string[] = [];
    table.forEach((c, i) => {
      const cmd = `quadra ${c.args.join(' ').replaceAll(root, '$TMP')}`;
      const t = texts[i];
      const line = t.stderr.trimEnd();
      if (t.status !== 1) failures.push(`${cmd}: exit ${t.status}, expected 1 (stderr ${JSON.stringify(t.stderr.slice(0, 300))})`);
      else if (line.split('\n').length !== 1 || STACK_LINE.test(line)) failures.push(`${cmd}: stderr is not one line: ${JSON.stringify(line.slice(0, 500))}`);
      else if (!c.says.test(line)) failures.push(`${cmd}: stderr ${JSON.stringify(line)} does not match ${c.says}`);
      else if (t.stdout.trim() !== '') failures.push(`${cmd}: stdout not empty: ${JSON.stringify(t.stdout.slice(0, 300))}`);
      const j = jsons[i];
      if (!j) return;
      const body = j.stdout.trim();
      if (j.status !== 1) failures.push(`${cmd} --json: exit ${j.status}, expected 1`);
      else if (body.split('\n').length !== 1) failures.push(`${cmd} --json: stdout is not one line: ${JSON.stringify(body.slice(0, 500))}`);
      else {
        let obj: { error?: { code?: unknown; name?: unknown; message?: unknown; stack?: unknown } } | undefined;
        try {
          obj = JSON.parse(body) as typeof obj;
        } catch {
          failures.push(`${cmd} --json: stdout is not JSON: ${JSON.stringify(body.slice(0, 300))}`);
        }
        const e = obj?.error;
        if (obj && (Object.keys(obj).length !== 1 || !e || typeof e.code !== 'string' || !/^QUADRA_[A-Z_]+$/.test(e.code) || typeof e.name !== 'string' || typeof e.message !== 'string' || e.stack !== undefined)) {
          failures.push(`${cmd} --json: not an error object: ${body.slice(0, 300)}`);
        } else if (e && !c.says.test(e.message as string)) failures.push(`${cmd} --json: message ${JSON.stringify(e.message)} does not match ${c.says}`);
        if (STACK_LINE.test(j.stderr)) failures.push(`${cmd} --json: a stack trace on stderr`);
      }
    });
    expect(failures).toEqual([]);
  }, 300_000);

  it('codes: usage, argument, file format, state dict, I/O', async () => {
    const [usage, arg, format, dict] = await runAll([
      ['info', '--bogus', '--json'],
      ['xor', '--steps', '0', '--json'],
      ['eval', '--checkpoint', text, '--json'],
      ['infer', '--model', 'quadranet25_xxs', '--weights', pt, '--input', x, '--output', out('l.safetensors'), '--json'],
    ]);
    const code = (r: Result) => (JSON.parse(r.stdout) as { error: { code: string; name: string } }).error;
    expect(code(usage)).toEqual({ code: 'QUADRA_USAGE', name: 'UsageError', message: "unknown option '--bogus'" });
    expect(code(arg)).toMatchObject({ code: 'QUADRA_INVALID_ARGUMENT', name: 'ArgumentError' });
    expect(code(format)).toMatchObject({ code: 'QUADRA_FILE_FORMAT', name: 'FileFormatError' });
    expect(code(dict)).toMatchObject({ code: 'QUADRA_STATE_DICT', name: 'StateDictError' });
  });

  it('--verbose adds the stack trace: on stderr, or as error.stack with --json', async () => {
    const [t, j] = await runAll([
      ['--verbose', 'eval', '--checkpoint', text],
      ['--verbose', 'eval', '--checkpoint', text, '--json'],
    ]);
    expect(t.status).toBe(1);
    expect(t.stderr.split('\n')[0]).toMatch(/^FileFormatError: \S+text\.txt: not a safetensors file/);
    expect(t.stderr).toMatch(STACK_LINE);
    expect(j.status).toBe(1);
    const e = (JSON.parse(j.stdout) as { error: { stack: string } }).error;
    expect(e.stack).toMatch(STACK_LINE);
  });

  it('help and the version are not errors', async () => {
    const [help, version] = await runAll([['--help'], ['--version']]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/\{"error":\{"code":"QUADRA_INVALID_ARGUMENT"/);
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^quadra \d/);
  });
});
