// QUADRA_* environment variables: a value outside the accepted ones is an EnvironmentError naming
// the variable and what it accepts, in the functions that read it and in a fresh process that loads the module.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  checkEnv, EnvironmentError, envBackend, envCuda, envCudaDevice, envNativeBuild, envPoolMb, envThreads, ENV_VARIABLES, cudaStatus,
} from '../src/index.js';
import { packageRoot } from '../src/native.js';
import { thrown } from './helpers.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(ENV_VARIABLES)) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function expectEnvError(fn: () => unknown, variable: string, accepted: RegExp) {
  const err = thrown(fn);
  expect(err, 'expected a throw').toBeInstanceOf(EnvironmentError);
  expect((err as EnvironmentError).variable).toBe(variable);
  expect((err as EnvironmentError).code).toBe('QUADRA_ENV');
  expect((err as Error).message).toMatch(new RegExp(`^${variable}=`));
  expect((err as Error).message).toMatch(accepted);
}

describe('environment variables', () => {
  it('accepts unset, empty and valid values', () => {
    for (const k of Object.keys(ENV_VARIABLES)) delete process.env[k];
    expect(envBackend()).toBe('native');
    expect(envThreads()).toBeUndefined();
    expect(envCuda()).toBe('on');
    process.env.QUADRA_BACKEND = 'reference';
    process.env.QUADRA_NUM_THREADS = '3';
    process.env.QUADRA_CUDA = 'off';
    process.env.QUADRA_CUDA_DEVICE = '1';
    process.env.QUADRA_POOL_MB = '0';
    expect([envBackend(), envThreads(), envCuda(), envCudaDevice(), envPoolMb()]).toEqual(['reference', 3, 'off', 1, 0]);
    process.env.QUADRA_NUM_THREADS = '';
    expect(envThreads()).toBeUndefined();
    expect(() => checkEnv()).not.toThrow();
  });

  it('names the variable and the accepted values', () => {
    process.env.QUADRA_BACKEND = 'bogus';
    expectEnvError(envBackend, 'QUADRA_BACKEND', /native \| reference/);
    expectEnvError(checkEnv, 'QUADRA_BACKEND', /native \| reference/);
    delete process.env.QUADRA_BACKEND;
    for (const bad of ['abc', '0', '-2', '1.5']) {
      process.env.QUADRA_NUM_THREADS = bad;
      expectEnvError(envThreads, 'QUADRA_NUM_THREADS', /positive integer/);
    }
    delete process.env.QUADRA_NUM_THREADS;
    process.env.QUADRA_CUDA = 'maybe';
    expectEnvError(envCuda, 'QUADRA_CUDA', /on \| off/);
    expect(cudaStatus().available).toBe(false);
    expect(cudaStatus().reason).toMatch(/QUADRA_CUDA="maybe"/);
    delete process.env.QUADRA_CUDA;
    process.env.QUADRA_CUDA_DEVICE = 'gpu1';
    expectEnvError(envCudaDevice, 'QUADRA_CUDA_DEVICE', /non-negative integer/);
    delete process.env.QUADRA_CUDA_DEVICE;
    process.env.QUADRA_POOL_MB = 'lots';
    expectEnvError(envPoolMb, 'QUADRA_POOL_MB', /non-negative number/);
    delete process.env.QUADRA_POOL_MB;
    process.env.QUADRA_NATIVE_BUILD = join(packageRoot, 'no-such-build');
    expectEnvError(envNativeBuild, 'QUADRA_NATIVE_BUILD', /folder holding quadra\.node/);
    process.env.QUADRA_NATIVE_BUILD = packageRoot;
    expect(envNativeBuild()).toBe(packageRoot);
  });

  it('a QUADRA_NATIVE_BUILD folder without quadra.node is a load error naming the file', () => {
    const script = `import('${join(packageRoot, 'dist', 'index.js')}').then((l) => { try { l.gelu(new Float32Array(4)); console.log('ran'); } catch (e) { console.log(e.name + ': ' + e.message.split('\\n')[1]); } })`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, QUADRA_NATIVE_BUILD: packageRoot }, encoding: 'utf8' }).trim();
    expect(out).toMatch(/^NativeLoadError: .*holds no quadra\.node/);
  });

  it('a process with a bad QUADRA_NUM_THREADS or QUADRA_BACKEND gets the error from its first kernel call', () => {
    const script = `import('${join(packageRoot, 'dist', 'index.js')}').then((l) => { try { l.gelu(new Float32Array(4)); console.log('ran'); } catch (e) { console.log(e.name + ': ' + e.message); } })`;
    const run = (env: Record<string, string>) => execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
    expect(run({ QUADRA_NUM_THREADS: 'abc' })).toMatch(/^EnvironmentError: QUADRA_NUM_THREADS="abc" is not accepted; expected a positive integer/);
    expect(run({ QUADRA_BACKEND: 'bogus' })).toMatch(/^EnvironmentError: QUADRA_BACKEND="bogus" is not accepted; expected native \| reference/);
    expect(run({ QUADRA_NUM_THREADS: '1', QUADRA_BACKEND: 'native' })).toBe('ran');
  });
});

describe('OpenMP wait policy', () => {
  // The loader sets OMP_WAIT_POLICY=passive before libgomp starts, unless the user chose a policy or spin count.
  const script = `import('${join(packageRoot, 'dist', 'index.js')}').then((l) => { l.gelu(new Float32Array(4)); console.log(JSON.stringify([process.env.OMP_WAIT_POLICY ?? null, process.env.GOMP_SPINCOUNT ?? null])); })`;
  const run = (env: Record<string, string | undefined>) => {
    const e: Record<string, string | undefined> = { ...process.env, ...env };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: e as NodeJS.ProcessEnv, encoding: 'utf8' })) as [string | null, string | null];
  };
  it('defaults to passive and leaves a user setting alone', () => {
    expect(run({ OMP_WAIT_POLICY: undefined, GOMP_SPINCOUNT: undefined })).toEqual(['passive', null]);
    expect(run({ OMP_WAIT_POLICY: 'active', GOMP_SPINCOUNT: undefined })).toEqual(['active', null]);
    expect(run({ OMP_WAIT_POLICY: undefined, GOMP_SPINCOUNT: '20000' })).toEqual([null, '20000']);
  });
});
