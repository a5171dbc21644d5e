/** The .npy reader: float32/float64/uint8 C-order arrays, and every unsupported file named. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy, readNpy } from '../src/index.js';
import { npyBytes } from './npy-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'quadra-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseNpy', () => {
  it('reads float32, float64 and uint8 arrays with their shapes', () => {
    const f = Float32Array.from([1.5, -2, 3, 4, 5, 6]);
    expect(parseNpy(npyBytes('<f4', [1, 2, 3], f))).toEqual({ dtype: 'float32', shape: [1, 2, 3], data: f });
    const d = Float64Array.from([0.25, 1e-300]);
    expect(parseNpy(npyBytes('<f8', [2], d))).toEqual({ dtype: 'float64', shape: [2], data: d });
    const u = Uint8Array.from([0, 128, 255, 7]);
    const r = parseNpy(npyBytes('|u1', [2, 2], u));
    expect(r.dtype).toBe('uint8');
    expect([...r.data]).toEqual([0, 128, 255, 7]);
  });

  it('reads format version 2 headers and 0-d shapes', () => {
    expect(parseNpy(npyBytes('<f4', [2], Float32Array.from([7, 8]), { version: 2 })).data).toEqual(Float32Array.from([7, 8]));
    expect(parseNpy(npyBytes('<f4', [], Float32Array.from([9]))).shape).toEqual([]);
  });

  it('reads a file from disk (data at an offset in a pooled Buffer)', () => {
    const p = join(dir, 'x.npy');
    const f = Float32Array.from({ length: 12 }, (_, i) => i - 3.5);
    writeFileSync(p, npyBytes('<f4', [1, 1, 3, 4], f));
    expect(readNpy(p).data).toEqual(f);
  });

  it('rejects what it cannot read with a FileFormatError naming the file and the problem', () => {
    const f = Float32Array.from([1, 2]);
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('PK not numpy'), /x\.npy: not a \.npy file/],
      [npyBytes('>f4', [2], f), /dtype '>f4' is not supported; expected little-endian float32/],
      [npyBytes('<i8', [1], new BigInt64Array(1)), /dtype '<i8' is not supported/],
      [npyBytes('<f4', [2], f, { fortran: true }), /Fortran-order arrays are not supported/],
      [npyBytes('<f4', [3], f), /holds 8 data bytes, shape \(3\) of float32 needs 12/],
      [npyBytes('<f4', [2], f).subarray(0, 9), /truncated header/],
    ];
    for (const [bytes, msg] of cases) {
      expect(() => parseNpy(bytes, 'x.npy')).toThrow(FileFormatError);
      expect(() => parseNpy(bytes, 'x.npy')).toThrow(msg);
    }
  });
});
