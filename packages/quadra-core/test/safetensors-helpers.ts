/** Helpers of the safetensors and layout tests: seeded tensors, comparisons, a temp folder. */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuadraError } from '@quadranet/lib';
import { afterAll, beforeAll, expect } from 'vitest';
import { FileFormatError, type RawTensor } from '../src/io/index.js';
import { mulberry32, product, testSeed } from './fixtures/io-helpers.js';

/** A seeded generator of random tensors (the seed is printed by testSeed). */
export function randomTensors(name: string): (shape: number[]) => RawTensor {
  const rand = mulberry32(testSeed(name));
  return (shape) => {
    const data = new Float32Array(product(shape));
    for (let i = 0; i < data.length; i++) data[i] = (rand() - 0.5) * 10;
    return { shape, data };
  };
}

export function expectSame(got: RawTensor | undefined, want: RawTensor): void {
  expect(got).toBeDefined();
  expect(got!.shape).toEqual(want.shape);
  expect(got!.data).toBeInstanceOf(Float32Array);
  expect(Array.from(got!.data)).toEqual(Array.from(want.data));
}

/** Runs fn, expecting a FileFormatError whose message matches every pattern. */
export function expectFormatError(fn: () => unknown, ...patterns: RegExp[]): FileFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a FileFormatError').toBeInstanceOf(FileFormatError);
  const err = caught as FileFormatError;
  expect(err).toBeInstanceOf(QuadraError);
  expect(err.code).toBe('QUADRA_FILE_FORMAT');
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}

/** A temporary folder for the file's tests, removed after them; call at module level. */
export function useTempDir(): () => string {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'quadra-io-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

export function tempFiles(d: string): string[] {
  return fs.readdirSync(d).filter((f) => f.endsWith('.tmp'));
}
