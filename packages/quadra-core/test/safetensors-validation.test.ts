// safetensors: rejected files (typed errors naming the problem), serialize argument checks, atomic writes.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, DTypeError, ShapeError } from '@quadranet/lib';
import { describe, expect, it } from 'vitest';
import {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
} from '../src/io/index.js';
import { buildFile, concat, f32le, u64le } from './fixtures/io-helpers.js';
import { expectFormatError, expectSame, randomTensors, tempFiles, useTempDir } from './safetensors-helpers.js';

const randomTensor = randomTensors('safetensors-validation.test');
const tmp = useTempDir();

describe('safetensors validation', () => {
  const ok = (extra: Record<string, unknown> = {}) => ({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, ...extra });
  const d8 = f32le(1, 2);

  it('file shorter than 8 bytes', () => {
    expectFormatError(() => parseSafetensors(new Uint8Array(5)), /5 bytes/, /8-byte/);
    expectFormatError(() => parseSafetensors(new Uint8Array(0)), /0 bytes/);
  });

  it('header length 0', () => {
    expectFormatError(() => parseSafetensors(concat(u64le(0), new TextEncoder().encode('{}'))), /header length is 0/);
  });

  it('header length beyond the file', () => {
    const f = buildFile(ok(), d8);
    const bad = f.slice();
    bad.set(u64le(f.length - 8 + 1), 0);
    expectFormatError(() => parseSafetensors(bad), new RegExp(`header length ${f.length - 7} exceeds the ${f.length - 8} bytes`));
  });

  it('header length over 100 MB, including u64 values past 2^32 and 2^53', () => {
    expectFormatError(() => parseSafetensors(concat(u64le(100_000_001), new Uint8Array(16))), /100000001 exceeds the 100000000-byte limit/);
    expectFormatError(() => parseSafetensors(concat(u64le(2n ** 32n + 2n), new Uint8Array(16))), /limit/);
    expectFormatError(() => parseSafetensors(concat(u64le(2n ** 64n - 1n), new Uint8Array(16))), /limit/);
  });

  it('header not UTF-8, not JSON, not an object', () => {
    const notUtf8 = concat(u64le(8), new Uint8Array([0x7b, 0x7d, 0x20, 0xff, 0xfe, 0x20, 0x20, 0x20]));
    expectFormatError(() => parseSafetensors(notUtf8), /not valid UTF-8/);
    expectFormatError(() => parseSafetensors(buildFile('{"x": ')), /not valid JSON/);
    expectFormatError(() => parseSafetensors(buildFile('{} {}')), /not valid JSON/);
    expectFormatError(() => parseSafetensors(buildFile('[1,2]')), /must be a JSON object, found an array/);
    expectFormatError(() => parseSafetensors(buildFile('null')), /found null/);
    expectFormatError(() => parseSafetensors(buildFile('42')), /found number 42/);
    expectFormatError(() => parseSafetensors(buildFile('"s"')), /found the string/);
  });

  it('entry not an object', () => {
    const e = expectFormatError(() => parseSafetensors(buildFile({ w: [1, 2] })), /tensor "w"/, /must be an object/);
    expect(e.tensor).toBe('w');
    expectFormatError(() => parseSafetensors(buildFile({ w: 'F32' })), /tensor "w"/);
  });

  it('missing or invalid dtype', () => {
    expectFormatError(() => parseSafetensors(buildFile({ w: { shape: [0], data_offsets: [0, 0] } })), /tensor "w"/, /"dtype" must be a string, found undefined/);
    expectFormatError(() => parseSafetensors(buildFile({ w: { dtype: 4, shape: [0], data_offsets: [0, 0] } })), /"dtype" must be a string, found number 4/);
    expectFormatError(() => parseSafetensors(buildFile({ w: { dtype: 'F33', shape: [0], data_offsets: [0, 0] } })), /tensor "w"/, /unknown dtype "F33"/);
    expectFormatError(() => parseSafetensors(buildFile({ w: { dtype: 'toString', shape: [0], data_offsets: [0, 0] } })), /unknown dtype/);
  });

  it('unsupported dtypes name the tensor and the dtype', () => {
    for (const [dtype, size] of [['I32', 4], ['I64', 8], ['U8', 1], ['BOOL', 1], ['F8_E4M3', 1]] as const) {
      const f = buildFile({ 'layer.idx': { dtype, shape: [2], data_offsets: [0, 2 * size] } }, new Uint8Array(2 * size));
      const e = expectFormatError(() => parseSafetensors(f), /tensor "layer.idx"/, new RegExp(`dtype ${dtype} is not supported`), /F32, F16, BF16, F64/);
      expect(e.tensor).toBe('layer.idx');
    }
  });

  it('missing or invalid shape', () => {
    const mk = (shape: unknown) => buildFile({ w: { dtype: 'F32', shape, data_offsets: [0, 0] } });
    expectFormatError(() => parseSafetensors(mk(undefined)), /tensor "w"/, /"shape" must be an array/);
    expectFormatError(() => parseSafetensors(mk({ 0: 1 })), /"shape" must be an array/);
    expectFormatError(() => parseSafetensors(mk([2, -1])), /"shape"\[1\] must be a non-negative safe integer, found number -1/);
    expectFormatError(() => parseSafetensors(mk([1.5])), /"shape"\[0\]/);
    expectFormatError(() => parseSafetensors(mk(['2'])), /found the string "2"/);
    expectFormatError(() => parseSafetensors(mk([2 ** 53])), /"shape"\[0\]/);
    expectFormatError(() => parseSafetensors(buildFile('{"w":{"dtype":"F32","shape":[1e999],"data_offsets":[0,0]}}')), /"shape"\[0\]/);
  });

  it('shape product overflow is caught, not wrapped', () => {
    const big = 2 ** 30;
    expectFormatError(() => parseSafetensors(buildFile({ w: { dtype: 'F32', shape: [big, big], data_offsets: [0, 0] } })), /too many elements/);
    // a zero dimension makes the product 0 whatever the others are
    const zero = parseSafetensors(buildFile({ w: { dtype: 'F32', shape: [big, big, 0], data_offsets: [0, 0] } }));
    expect(zero.tensors.get('w')).toEqual({ shape: [big, big, 0], data: new Float32Array(0) });
  });

  it('missing or invalid data_offsets', () => {
    const mk = (o: unknown) => buildFile({ w: { dtype: 'F32', shape: [1], data_offsets: o } }, f32le(1));
    expectFormatError(() => parseSafetensors(mk(undefined)), /tensor "w"/, /"data_offsets" must be an array \[begin, end\]/);
    expectFormatError(() => parseSafetensors(mk([0])), /of length 1/);
    expectFormatError(() => parseSafetensors(mk([0, 4, 8])), /of length 3/);
    expectFormatError(() => parseSafetensors(mk([-4, 0])), /two non-negative safe integers/);
    expectFormatError(() => parseSafetensors(mk([0, 4.5])), /two non-negative safe integers/);
    expectFormatError(() => parseSafetensors(mk([0, '4'])), /two non-negative safe integers/);
    expectFormatError(() => parseSafetensors(mk([4, 0])), /\[4, 0\] has begin after end/);
  });

  it('byte length differs from shape x itemsize', () => {
    const f = buildFile({ w: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expectFormatError(() => parseSafetensors(f), /tensor "w"/, /span 8 bytes; expected 12 \(shape \[2, 3\] x 2 bytes for F16\)/);
  });

  it('offsets beyond the data buffer', () => {
    const f = buildFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, f32le(1, 2));
    expectFormatError(() => parseSafetensors(f), /tensor "w"/, /\[0, 12\] run past the end of the 8-byte data buffer/);
  });

  it('overlapping tensors', () => {
    const f = buildFile(
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
      f32le(1, 2, 3),
    );
    expectFormatError(() => parseSafetensors(f), /tensor "b"/, /overlaps tensor "a" at \[0, 8\]/);
    const same = buildFile(
      { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      f32le(1),
    );
    expectFormatError(() => parseSafetensors(same), /overlaps/);
  });

  it('gaps between tensors and trailing bytes are rejected', () => {
    const gap = buildFile(
      { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } },
      f32le(1, 2, 3),
    );
    expectFormatError(() => parseSafetensors(gap), /tensor "b"/, /4 uncovered bytes/);
    const lead = buildFile({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32le(1, 2));
    expectFormatError(() => parseSafetensors(lead), /starts at 4 but the previous tensor ends at 0/);
    const trailing = buildFile(ok(), concat(d8, new Uint8Array(3)));
    expectFormatError(() => parseSafetensors(trailing), /cover 8 bytes of the 11-byte data buffer/);
    expectFormatError(() => parseSafetensors(buildFile({}, new Uint8Array(1))), /cover 0 bytes of the 1-byte/);
  });

  it('__metadata__ must map strings to strings', () => {
    expectFormatError(() => parseSafetensors(buildFile(ok({ __metadata__: ['a'] }), d8)), /"__metadata__" must be an object of strings, found an array/);
    expectFormatError(() => parseSafetensors(buildFile(ok({ __metadata__: 'pt' }), d8)), /"__metadata__" must be an object/);
    expectFormatError(() => parseSafetensors(buildFile(ok({ __metadata__: { format: 1 } }), d8)), /value for key "format" must be a string, found number 1/);
    expectFormatError(() => parseSafetensors(buildFile(ok({ __metadata__: { a: { b: 'c' } } }), d8)), /key "a"/);
  });

  it('readSafetensors names the file; fs errors pass through with their code and path', () => {
    const path = join(tmp(), 'bad.safetensors');
    fs.writeFileSync(path, buildFile(ok(), f32le(1)));
    const e = expectFormatError(() => readSafetensors(path), new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: tensor "x"`));
    expect(e.file).toBe(path);
    const missing = join(tmp(), 'missing.safetensors');
    expect(() => readSafetensors(missing)).toThrow(expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining(missing) }));
    expect(() => readSafetensors(tmp())).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});

describe('serialize argument checks', () => {
  it('rejects bad tensors and metadata with typed errors', () => {
    expect(() => serializeSafetensors({ a: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(ShapeError);
    expect(() => serializeSafetensors({ a: { shape: [-1], data: new Float32Array(0) } })).toThrow(ShapeError);
    expect(() => serializeSafetensors({ a: { shape: [2], data: new Float64Array(2) as unknown as Float32Array } })).toThrow(DTypeError);
    expect(() => serializeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } })).toThrow(ArgumentError);
    expect(() => serializeSafetensors({ ['\uD800']: { shape: [1], data: new Float32Array(1) } })).toThrow(/lone surrogate/);
    expect(() => serializeSafetensors({}, { a: 1 as unknown as string })).toThrow(ArgumentError);
  });
});

describe('atomic writeSafetensors', () => {
  const old = { keep: { shape: [3], data: Float32Array.of(1, 2, 3) } };

  it('a tensor whose data throws midway leaves the old file intact and no temp file', () => {
    const sub = fs.mkdtempSync(join(tmp(), 'atomic-'));
    const path = join(sub, 'model.safetensors');
    writeSafetensors(path, old);
    const before = fs.readFileSync(path);
    class Exploding extends Float32Array {
      override get buffer(): ArrayBuffer {
        throw new Error('device lost while reading tensor data');
      }
    }
    const tensors = { a: { shape: [4], data: new Float32Array(4) }, z: { shape: [2], data: new Exploding(2) } };
    expect(() => writeSafetensors(path, tensors)).toThrow('device lost');
    expect(fs.readFileSync(path).equals(before)).toBe(true);
    expect(fs.readdirSync(sub)).toEqual(['model.safetensors']);
  });

  it('a failing rename (target is a directory) removes the temp file', () => {
    const sub = fs.mkdtempSync(join(tmp(), 'atomic-'));
    const target = join(sub, 'model.safetensors');
    fs.mkdirSync(target);
    fs.writeFileSync(join(target, 'inside'), 'x');
    expect(() => writeSafetensors(target, old)).toThrow(expect.objectContaining({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST|EPERM/) }));
    expect(tempFiles(sub)).toEqual([]);
    expect(fs.readdirSync(target)).toEqual(['inside']);
  });

  it('a missing directory fails before anything is created', () => {
    expect(() => writeSafetensors(join(tmp(), 'nope', 'm.safetensors'), old)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(fs.existsSync(join(tmp(), 'nope'))).toBe(false);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('a read-only directory fails and keeps the old file', () => {
    const sub = fs.mkdtempSync(join(tmp(), 'atomic-'));
    const path = join(sub, 'model.safetensors');
    writeSafetensors(path, old);
    fs.chmodSync(sub, 0o555);
    try {
      expect(() => writeSafetensors(path, { other: { shape: [1], data: new Float32Array(1) } })).toThrow(expect.objectContaining({ code: 'EACCES' }));
    } finally {
      fs.chmodSync(sub, 0o755);
    }
    expectSame(readSafetensors(path).tensors.get('keep'), old.keep);
    expect(tempFiles(sub)).toEqual([]);
  });

  it('a successful write replaces the file and leaves no temp file', () => {
    const sub = fs.mkdtempSync(join(tmp(), 'atomic-'));
    const path = join(sub, 'model.safetensors');
    writeSafetensors(path, old);
    const next = { w: randomTensor([5, 3]) };
    writeSafetensors(path, next, { step: '2' });
    const back = readSafetensors(path);
    expect([...back.tensors.keys()]).toEqual(['w']);
    expectSame(back.tensors.get('w'), next.w);
    expect(back.metadata).toEqual({ step: '2' });
    expect(fs.readdirSync(sub)).toEqual(['model.safetensors']);
    expect(Buffer.from(serializeSafetensors(next, { step: '2' })).equals(fs.readFileSync(path))).toBe(true);
  });
});
