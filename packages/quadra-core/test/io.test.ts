import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, DTypeError, QuadraError, ShapeError } from '@quadranet/lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bfloat16ToFloat,
  depthwiseOihwToHwc,
  FileFormatError,
  halfToFloat,
  hwcToDepthwiseOihw,
  nchwToNhwc,
  nhwcToNchw,
  ohwiToOihw,
  oihwToOhwi,
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
  type RawTensor,
} from '../src/io/index.js';
import { buildFile, concat, f32le, f64le, mulberry32, product, testSeed, u16le, u64le } from './fixtures/io-helpers.js';

const seed = testSeed('io.test');
const rand = mulberry32(seed);

function randomTensor(shape: number[]): RawTensor {
  const data = new Float32Array(product(shape));
  for (let i = 0; i < data.length; i++) data[i] = (rand() - 0.5) * 10;
  return { shape, data };
}

function expectSame(got: RawTensor | undefined, want: RawTensor): void {
  expect(got).toBeDefined();
  expect(got!.shape).toEqual(want.shape);
  expect(got!.data).toBeInstanceOf(Float32Array);
  expect(Array.from(got!.data)).toEqual(Array.from(want.data));
}

/** Runs fn, expecting a FileFormatError whose message matches every pattern. */
function expectFormatError(fn: () => unknown, ...patterns: RegExp[]): FileFormatError {
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

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'quadra-io-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function tempFiles(d: string): string[] {
  return fs.readdirSync(d).filter((f) => f.endsWith('.tmp'));
}

describe('safetensors round trip', () => {
  const tensors: Record<string, RawTensor> = {
    'stem.weight': randomTensor([8, 3, 3, 3]),
    'stem.bias': randomTensor([8]),
    scalar: randomTensor([]),
    'empty.rows': randomTensor([0, 5]),
    'empty.inner': randomTensor([4, 0, 2]),
    'blocks.0.dw': randomTensor([7, 7, 17]),
    odd: randomTensor([1, 1, 1, 1, 3]),
  };
  const metadata = { format: 'pt', note: 'héllo ✓ "quoted"\n', '': 'empty key' };

  it('serialize -> parse keeps shapes, values and metadata', () => {
    const bytes = serializeSafetensors(tensors, metadata);
    const back = parseSafetensors(bytes);
    expect([...back.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) expectSame(back.tensors.get(name), t);
    expect(back.metadata).toEqual(metadata);
  });

  it('accepts a Map and gives the same bytes as a record', () => {
    const fromRecord = serializeSafetensors(tensors, metadata);
    const fromMap = serializeSafetensors(new Map(Object.entries(tensors).reverse()), metadata);
    expect(Buffer.from(fromMap).equals(Buffer.from(fromRecord))).toBe(true);
  });

  it('write -> read through a file, with zero-copy F32 views', () => {
    const path = join(dir, 'rt.safetensors');
    writeSafetensors(path, tensors, metadata);
    const back = readSafetensors(path);
    for (const [name, t] of Object.entries(tensors)) expectSame(back.tensors.get(name), t);
    expect(back.metadata).toEqual(metadata);
    // All non-empty F32 tensors are views into the one file buffer.
    const buffers = new Set([...back.tensors.values()].filter((t) => t.data.length > 0).map((t) => t.data.buffer));
    expect(buffers.size).toBe(1);
    expect([...buffers][0].byteLength).toBe(fs.statSync(path).size);
    // copy: each tensor owns its buffer.
    const copied = readSafetensors(path, { copy: true });
    const w = copied.tensors.get('stem.weight')!;
    expect(w.data.byteOffset).toBe(0);
    expect(w.data.buffer.byteLength).toBe(w.data.byteLength);
    expectSame(w, tensors['stem.weight']);
  });

  it('writes no metadata entry when none is given, and an empty map round-trips', () => {
    const bytes = serializeSafetensors({ a: randomTensor([2]) });
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + 16))).not.toContain('__metadata__');
    expect(parseSafetensors(bytes).metadata).toEqual({});
    expect(parseSafetensors(serializeSafetensors({}, {})).metadata).toEqual({});
  });

  it('an empty file (no tensors) is 8 + 8 bytes: "{}" padded', () => {
    const bytes = serializeSafetensors({});
    expect(Array.from(bytes)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode('{}      ')]);
    expect(parseSafetensors(bytes).tensors.size).toBe(0);
  });

  it('keeps special float values bit for bit', () => {
    const data = Float32Array.of(0, -0, Infinity, -Infinity, NaN, 1e-45, 3.4028234663852886e38);
    const back = parseSafetensors(serializeSafetensors({ x: { shape: [7], data } })).tensors.get('x')!;
    expect(Buffer.from(back.data.buffer, back.data.byteOffset, 28).equals(Buffer.from(data.buffer))).toBe(true);
  });

  it('metadata and names like "__proto__" stay plain data', () => {
    const meta = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    const back = parseSafetensors(serializeSafetensors({ ['__proto__']: randomTensor([1]) }, meta));
    expect(Object.getPrototypeOf(back.metadata)).toBe(Object.prototype);
    expect(Object.keys(back.metadata).sort()).toEqual(['__proto__', 'constructor']);
    expect(back.tensors.get('__proto__')!.shape).toEqual([1]);
  });
});

describe('safetensors layout as the reference implementation writes it', () => {
  // What `safetensors.torch.save_file({"weight": torch.tensor([[1., 2.], [3., 4.]]),
  // "bias": torch.tensor([0.5, -1.])}, "f", metadata={"format": "pt"})` writes, by hand:
  // "__metadata__" first, then names sorted, compact JSON, padded with spaces to 8 bytes.
  const headerText =
    '{"__metadata__":{"format":"pt"},' +
    '"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}';
  const padded = headerText + ' '.repeat((8 - (headerText.length % 8)) % 8);
  const data = new Uint8Array([
    0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0xbf, // bias: 0.5, -1
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, // weight: 1, 2
    0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x40, //         3, 4
  ]);
  const file = concat(u64le(padded.length), new TextEncoder().encode(padded), data);

  it('parses a file built by hand', () => {
    expect(padded.length % 8).toBe(0);
    const { tensors, metadata } = parseSafetensors(file);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('bias')).toEqual({ shape: [2], data: Float32Array.of(0.5, -1) });
    expect(tensors.get('weight')).toEqual({ shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
  });

  it('serializes to exactly those bytes', () => {
    const bytes = serializeSafetensors(
      { weight: { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }, bias: { shape: [2], data: Float32Array.of(0.5, -1) } },
      { format: 'pt' },
    );
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(file).toString('hex'));
  });

  it('sorts names by UTF-8 bytes (not JS integer-key order) and aligns the data to 8', () => {
    const names = ['b', '10', '9', 'a.weight', 'Z', 'é', '\u{1F600}', '\uFF61'];
    const ts: Record<string, RawTensor> = {};
    for (const n of names) ts[n] = randomTensor([1]);
    const bytes = serializeSafetensors(ts, { z: '1', a: '2' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeLessThanOrEqual(n);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const order = [...text.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1]);
    const utf8Sorted = names.slice().sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(order).toEqual(utf8Sorted);
    expect(text.startsWith('{"__metadata__":{"a":"2","z":"1"},')).toBe(true);
    // tensors are packed in that order
    const hdr = JSON.parse(text) as Record<string, { data_offsets: number[] }>;
    expect(utf8Sorted.map((k) => hdr[k].data_offsets)).toEqual(utf8Sorted.map((_, i) => [4 * i, 4 * i + 4]));
  });

  it('reads a mixed F32/BF16/F16/F64 file laid out as the reference does (larger alignment first)', () => {
    const header = {
      d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
      f: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [12, 16] },
      h: { dtype: 'F16', shape: [2], data_offsets: [16, 20] },
    };
    const bytes = buildFile(header, concat(f64le(0.1), f32le(7), u16le(0x4049, 0xc020), u16le(0x3c00, 0xc100)));
    const { tensors } = parseSafetensors(bytes);
    expect(tensors.get('d')!.data[0]).toBe(Math.fround(0.1));
    expect(Array.from(tensors.get('f')!.data)).toEqual([7]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([3.140625, -2.5]);
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2.5]);
  });

  it('copies F32 data that is not 4-byte aligned in memory, and can copy on request', () => {
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const view = shifted.subarray(1);
    const w = parseSafetensors(view).tensors.get('weight')!;
    expect(Array.from(w.data)).toEqual([1, 2, 3, 4]);
    expect(w.data.buffer).not.toBe(shifted.buffer);
    const aligned = parseSafetensors(file).tensors.get('weight')!;
    expect(aligned.data.buffer).toBe(file.buffer);
    expect(parseSafetensors(file, { copy: true }).tensors.get('weight')!.data.buffer).not.toBe(file.buffer);
  });

  it('reads a JSON -0 in shape or offsets as 0', () => {
    const bytes = buildFile('{"x":{"dtype":"F32","shape":[-0, 2],"data_offsets":[-0,0]}}');
    const x = parseSafetensors(bytes).tensors.get('x')!;
    expect(Object.is(x.shape[0], 0)).toBe(true);
    expect(x.data.length).toBe(0);
  });

  it('accepts a null "__metadata__" and extra fields, as the reference does', () => {
    const bytes = buildFile({ __metadata__: null, x: { dtype: 'F32', shape: [], data_offsets: [0, 4], extra: 1 } }, f32le(2));
    const r = parseSafetensors(bytes);
    expect(r.metadata).toEqual({});
    expect(r.tensors.get('x')).toEqual({ shape: [], data: Float32Array.of(2) });
  });
});

describe('F16 and BF16 decoding', () => {
  it('F16 hand-computed values', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc100)).toBe(-2.5);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24); // smallest subnormal, 5.960464477539063e-8
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(halfToFloat(0x0400)).toBe(2 ** -14); // smallest normal
    expect(halfToFloat(0x8001)).toBe(-(2 ** -24));
    expect(halfToFloat(0x3555)).toBe(0.333251953125);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(0xfd01)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(Object.is(halfToFloat(0x0000), 0)).toBe(true);
  });

  it('F16: all 65536 patterns agree with the arithmetic definition', () => {
    for (let h = 0; h < 65536; h++) {
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const want = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
      const got = halfToFloat(h);
      if (!Object.is(got, want)) expect(`${h.toString(16)}: ${got}`).toBe(`${h.toString(16)}: ${want}`);
    }
  });

  it('BF16 hand-computed values', () => {
    expect(bfloat16ToFloat(0x4049)).toBe(3.140625); // pi rounded to bf16
    expect(bfloat16ToFloat(0x3f80)).toBe(1);
    expect(bfloat16ToFloat(0xc020)).toBe(-2.5);
    expect(bfloat16ToFloat(0x0001)).toBe(2 ** -133); // smallest subnormal
    expect(bfloat16ToFloat(0x7f7f)).toBe(3.3895313892515355e38); // largest finite
    expect(bfloat16ToFloat(0x7f80)).toBe(Infinity);
    expect(bfloat16ToFloat(0xff80)).toBe(-Infinity);
    expect(bfloat16ToFloat(0x7fc0)).toBeNaN();
    expect(Object.is(bfloat16ToFloat(0x8000), -0)).toBe(true);
  });

  it('F16/BF16 tensors in a file, aligned and not, keep NaN payloads', () => {
    const f16 = [0x3c00, 0xc100, 0x7bff, 0x0001, 0x7c00, 0x7e01];
    const bf16 = [0x4049, 0x3f80, 0xc020, 0x0001, 0x7f80, 0x7fc1];
    const header = {
      h: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 12] },
      b: { dtype: 'BF16', shape: [6], data_offsets: [12, 24] },
    };
    const file = buildFile(header, concat(u16le(...f16), u16le(...bf16)));
    for (const shift of [0, 1]) {
      const mem = new Uint8Array(file.length + shift);
      mem.set(file, shift);
      const { tensors } = parseSafetensors(mem.subarray(shift));
      const h = tensors.get('h')!;
      expect(h.shape).toEqual([2, 3]);
      expect(Array.from(h.data.subarray(0, 5))).toEqual([1, -2.5, 65504, 2 ** -24, Infinity]);
      expect(new Uint32Array(h.data.buffer, h.data.byteOffset, 6)[5]).toBe(0x7fc02000);
      const b = tensors.get('b')!;
      expect(Array.from(b.data.subarray(0, 5))).toEqual([3.140625, 1, -2.5, 2 ** -133, Infinity]);
      expect(new Uint32Array(b.data.buffer, b.data.byteOffset, 6)[5]).toBe(0x7fc10000);
    }
  });

  it('F64 narrows to float32', () => {
    const bytes = buildFile({ x: { dtype: 'F64', shape: [3], data_offsets: [0, 24] } }, f64le(Math.PI, 1e300, -1e-300));
    const x = parseSafetensors(bytes).tensors.get('x')!;
    expect(x.data[0]).toBe(Math.fround(Math.PI));
    expect(x.data[1]).toBe(Infinity);
    expect(Object.is(x.data[2], -0)).toBe(true);
  });
});

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
    const path = join(dir, 'bad.safetensors');
    fs.writeFileSync(path, buildFile(ok(), f32le(1)));
    const e = expectFormatError(() => readSafetensors(path), new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: tensor "x"`));
    expect(e.file).toBe(path);
    const missing = join(dir, 'missing.safetensors');
    expect(() => readSafetensors(missing)).toThrow(expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining(missing) }));
    expect(() => readSafetensors(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
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
    const sub = fs.mkdtempSync(join(dir, 'atomic-'));
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
    const sub = fs.mkdtempSync(join(dir, 'atomic-'));
    const target = join(sub, 'model.safetensors');
    fs.mkdirSync(target);
    fs.writeFileSync(join(target, 'inside'), 'x');
    expect(() => writeSafetensors(target, old)).toThrow(expect.objectContaining({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST|EPERM/) }));
    expect(tempFiles(sub)).toEqual([]);
    expect(fs.readdirSync(target)).toEqual(['inside']);
  });

  it('a missing directory fails before anything is created', () => {
    expect(() => writeSafetensors(join(dir, 'nope', 'm.safetensors'), old)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(fs.existsSync(join(dir, 'nope'))).toBe(false);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('a read-only directory fails and keeps the old file', () => {
    const sub = fs.mkdtempSync(join(dir, 'atomic-'));
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
    const sub = fs.mkdtempSync(join(dir, 'atomic-'));
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

describe('layout converters', () => {
  it('nchwToNhwc: hand-checked example', () => {
    // N=1, C=2, H=2, W=3: channel 0 holds 0..5, channel 1 holds 10..15
    const x = { shape: [1, 2, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15) };
    const y = nchwToNhwc(x);
    expect(y.shape).toEqual([1, 2, 3, 2]);
    expect(Array.from(y.data)).toEqual([0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15]);
    expect(nhwcToNchw(y)).toEqual({ shape: [1, 2, 2, 3], data: x.data });
  });

  it('oihwToOhwi: hand-checked example and element-wise definition', () => {
    // O=2, I=2, kh=1, kw=2: w[o][i][0][x] = 100o + 10i + x
    const w = { shape: [2, 2, 1, 2], data: Float32Array.of(0, 1, 10, 11, 100, 101, 110, 111) };
    const ours = oihwToOhwi(w);
    expect(ours.shape).toEqual([2, 1, 2, 2]);
    expect(Array.from(ours.data)).toEqual([0, 10, 1, 11, 100, 110, 101, 111]);
    const [O, I, KH, KW] = [3, 5, 2, 3];
    const big = randomTensor([O, I, KH, KW]);
    const r = oihwToOhwi(big);
    for (let o = 0; o < O; o++)
      for (let i = 0; i < I; i++)
        for (let y = 0; y < KH; y++)
          for (let x = 0; x < KW; x++) {
            expect(r.data[((o * KH + y) * KW + x) * I + i]).toBe(big.data[((o * I + i) * KH + y) * KW + x]);
          }
  });

  it('depthwiseOihwToHwc: hand-checked example', () => {
    // C=3, k=2: w[c][0][y][x] = 10c + 2y + x
    const w = { shape: [3, 1, 2, 2], data: Float32Array.of(0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23) };
    const ours = depthwiseOihwToHwc(w);
    expect(ours.shape).toEqual([2, 2, 3]);
    expect(Array.from(ours.data)).toEqual([0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]);
    expect(hwcToDepthwiseOihw(ours)).toEqual({ shape: [3, 1, 2, 2], data: w.data });
  });

  it('round trips on random shapes, including size-1 and size-0 dims', () => {
    for (let t = 0; t < 40; t++) {
      const dim = () => [0, 1, 1, 2, 3, 7, 8, 9][Math.floor(rand() * 8)];
      const s4 = [dim(), dim(), dim(), dim()];
      const x = randomTensor(s4);
      expect(nhwcToNchw(nchwToNhwc(x))).toEqual(x);
      expect(nchwToNhwc(nhwcToNchw(x))).toEqual(x);
      expect(ohwiToOihw(oihwToOhwi(x))).toEqual(x);
      const dw = randomTensor([s4[0], 1, s4[2], s4[3]]);
      expect(hwcToDepthwiseOihw(depthwiseOihwToHwc(dw))).toEqual(dw);
      const hwc = randomTensor([s4[1], s4[2], s4[3]]);
      expect(depthwiseOihwToHwc(hwcToDepthwiseOihw(hwc))).toEqual(hwc);
    }
  });

  it('return new arrays and leave the input alone', () => {
    const x = randomTensor([1, 1, 1, 4]);
    const copy = x.data.slice();
    const y = nchwToNhwc(x);
    expect(y.data).not.toBe(x.data);
    y.data[0] = 99;
    expect(x.data).toEqual(copy);
  });

  it('reject wrong ranks, lengths and depthwise shapes with ShapeError', () => {
    expect(() => nchwToNhwc({ shape: [2, 3], data: new Float32Array(6) })).toThrow(/nchwToNhwc: expected a rank-4 tensor \[N, C, H, W\], got shape \[2, 3\]/);
    expect(() => oihwToOhwi({ shape: [2, 2, 1, 1], data: new Float32Array(3) })).toThrow(ShapeError);
    expect(() => ohwiToOihw({ shape: [2, 2, 1, -1], data: new Float32Array(0) })).toThrow(ShapeError);
    expect(() => depthwiseOihwToHwc({ shape: [4, 2, 3, 3], data: new Float32Array(72) })).toThrow(/\[C, 1, kh, kw\]/);
    expect(() => hwcToDepthwiseOihw({ shape: [3, 3, 1, 4], data: new Float32Array(36) })).toThrow(ShapeError);
  });
});
