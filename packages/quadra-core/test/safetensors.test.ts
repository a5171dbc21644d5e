// safetensors: round trips, the layout the reference implementation writes, F16/BF16 decoding.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bfloat16ToFloat,
  halfToFloat,
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
  type RawTensor,
} from '../src/io/index.js';
import { buildFile, concat, f32le, f64le, u16le, u64le } from './fixtures/io-helpers.js';
import { expectSame, randomTensors, useTempDir } from './safetensors-helpers.js';

const randomTensor = randomTensors('safetensors.test');
const tmp = useTempDir();

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
    const path = join(tmp(), 'rt.safetensors');
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
