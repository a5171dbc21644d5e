/**
 * The safetensors format (https://github.com/huggingface/safetensors), in memory:
 *
 *   [u64 little-endian N][N bytes of UTF-8 JSON header][data buffer]
 *
 * The header maps each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets
 * relative to the start of the data buffer) plus an optional `"__metadata__": {str: str}`.
 * Tensors here are plain `{shape, data: Float32Array}` records so the Tensor class can wrap them.
 */
import { ArgumentError, DTypeError, ShapeError } from '@quadranet/lib';
import { checkOptionKeys } from '../errors.js';
import { FileFormatError } from './errors.js';
import { decodeBF16, decodeF16 } from './half.js';

/** A dense row-major float32 tensor: `data.length === product(shape)` (1 for shape `[]`). */
export interface RawTensor {
  shape: number[];
  data: Float32Array;
}

/** The contents of a safetensors file, every tensor converted to float32. */
export interface SafetensorsFile {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

/** Tensors to write: a Map (its order is irrelevant, names are sorted) or a plain record. */
export type TensorsInput = Map<string, RawTensor> | Record<string, RawTensor>;

export interface ParseOptions {
  /** Names the data in error messages (readSafetensors passes the path). */
  source?: string;
  /** Copy F32 data out of `bytes` instead of returning views into it. Default false. */
  copy?: boolean;
}

/** The reference implementation refuses headers larger than this (100 MB). */
export const MAX_HEADER_SIZE = 100_000_000;

/** Bytes per element of every dtype the format defines. */
const ITEM_SIZE: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

/** The dtypes this reader converts to float32. */
export const READABLE_DTYPES: readonly string[] = ['F32', 'F16', 'BF16', 'F64'];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const METADATA_KEY = '__metadata__';

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses a safetensors file held in memory. F32 tensors are zero-copy views into `bytes` when
 * their data is 4-byte aligned in memory (unless `options.copy`), so they alias the caller's
 * buffer; F16, BF16 and F64 tensors are converted into new Float32Arrays. Every structural rule
 * of the reference implementation is checked (header size and JSON, entry fields, byte lengths,
 * offsets inside the buffer, no overlaps, no gaps, no trailing bytes).
 * @throws FileFormatError naming the source, the tensor and what was expected versus found.
 * @example
 *   const { tensors, metadata } = parseSafetensors(bytes);
 *   const w = tensors.get('stem.weight'); // { shape: [...], data: Float32Array }
 */
export function parseSafetensors(bytes: Uint8Array, options: ParseOptions = {}): SafetensorsFile {
  checkOptionKeys('parseSafetensors', options, ['source', 'copy'], 'options');
  const source = options.source ?? 'safetensors data';
  const fail = (msg: string, tensor?: string): never => {
    throw new FileFormatError(`${source}: ${tensor === undefined ? '' : `tensor ${JSON.stringify(tensor)}: `}${msg}`, {
      file: options.source,
      tensor,
    });
  };

  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(`parseSafetensors: expected a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < 8) fail(`not a safetensors file (${bytes.length} bytes, shorter than the 8-byte header length prefix)`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo; // exact below 2^53; hi is at most 2^32 - 1
  if (headerLen === 0) fail('header length is 0; expected at least 2 bytes of JSON ("{}")');
  if (headerLen > MAX_HEADER_SIZE) fail(`not a safetensors file (header length ${headerLen} exceeds the ${MAX_HEADER_SIZE}-byte limit)`);
  if (headerLen > bytes.length - 8) {
    fail(`truncated or not a safetensors file (header length ${headerLen} exceeds the ${bytes.length - 8} bytes that follow the length prefix)`);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isPlainObject(header)) return fail(`header must be a JSON object, found ${describe(header)}`);

  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;

  // __metadata__: a map of strings (null is accepted as absent, as the reference does).
  const metaRaw = header[METADATA_KEY];
  const metaEntries: [string, string][] = [];
  if (metaRaw !== undefined && metaRaw !== null) {
    if (!isPlainObject(metaRaw)) fail(`"${METADATA_KEY}" must be an object of strings, found ${describe(metaRaw)}`);
    for (const [k, v] of Object.entries(metaRaw as Record<string, unknown>)) {
      if (typeof v !== 'string') fail(`"${METADATA_KEY}" value for key ${JSON.stringify(k)} must be a string, found ${describe(v)}`);
      metaEntries.push([k, v as string]);
    }
  }
  // fromEntries defines own properties, so a "__proto__" key stays data, not a prototype.
  const metadata: Record<string, string> = Object.fromEntries(metaEntries);

  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    if (!isPlainObject(info)) fail(`entry must be an object {dtype, shape, data_offsets}, found ${describe(info)}`, name);
    const rec = info as Record<string, unknown>;

    const dtype = rec.dtype;
    if (typeof dtype !== 'string') fail(`"dtype" must be a string, found ${describe(dtype)}`, name);
    const itemSize = Object.hasOwn(ITEM_SIZE, dtype as string) ? ITEM_SIZE[dtype as string] : undefined;
    if (itemSize === undefined) {
      fail(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(ITEM_SIZE).join(', ')}`, name);
    }

    const shape = rec.shape;
    if (!Array.isArray(shape)) fail(`"shape" must be an array of non-negative integers, found ${describe(shape)}`, name);
    const dims = shape as unknown[];
    let numel = 1;
    let zero = false;
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      if (!isCount(d)) fail(`"shape"[${i}] must be a non-negative safe integer, found ${describe(d)}`, name);
      if (d === 0) zero = true;
    }
    for (const d of dims as number[]) {
      if (zero) break;
      if (numel > Number.MAX_SAFE_INTEGER / d / itemSize!) {
        fail(`shape ${fmtShape(dims as number[])} has too many elements (overflows 2^53 bytes)`, name);
      }
      numel *= d;
    }
    if (zero) numel = 0;

    const offs = rec.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2) {
      fail(`"data_offsets" must be an array [begin, end], found ${describe(offs)}${Array.isArray(offs) ? ` of length ${offs.length}` : ''}`, name);
    }
    const [begin, end] = offs as unknown[];
    if (!isCount(begin) || !isCount(end)) {
      fail(`"data_offsets" must be two non-negative safe integers, found [${describe(begin)}, ${describe(end)}]`, name);
    }
    const b = begin as number;
    const e = end as number;
    if (b > e) fail(`"data_offsets" [${b}, ${e}] has begin after end`, name);
    const expected = numel * itemSize!;
    if (e - b !== expected) {
      fail(`"data_offsets" [${b}, ${e}] span ${e - b} bytes; expected ${expected} (shape ${fmtShape(dims as number[])} x ${itemSize} bytes for ${dtype})`, name);
    }
    if (e > dataLen) fail(`"data_offsets" [${b}, ${e}] run past the end of the ${dataLen}-byte data buffer`, name);
    // `+ 0` turns a JSON "-0" into 0.
    entries.push({ name, dtype: dtype as string, shape: (dims as number[]).map((d) => d + 0), numel, begin: b + 0, end: e + 0 });
  }

  // The data buffer must be tiled exactly: no overlaps, no gaps, nothing after the last tensor.
  const sorted = entries.slice().sort((x, y) => x.begin - y.begin || x.end - y.end);
  let pos = 0;
  let prev: Entry | undefined;
  for (const en of sorted) {
    if (en.begin < pos) {
      fail(`data [${en.begin}, ${en.end}] overlaps tensor ${JSON.stringify(prev!.name)} at [${prev!.begin}, ${prev!.end}]`, en.name);
    }
    if (en.begin > pos) {
      fail(`data starts at ${en.begin} but the previous tensor ends at ${pos}: ${en.begin - pos} uncovered bytes in the data buffer`, en.name);
    }
    pos = en.end;
    prev = en;
  }
  if (pos !== dataLen) fail(`tensors cover ${pos} bytes of the ${dataLen}-byte data buffer; the rest is not referenced by any tensor`);

  const tensors = new Map<string, RawTensor>();
  for (const en of entries) {
    const at = dataStart + en.begin;
    let data: Float32Array;
    switch (en.dtype) {
      case 'F32':
        data = readF32(bytes, at, en.numel, options.copy === true);
        break;
      case 'F16':
        data = decodeF16(bytes, at, en.numel);
        break;
      case 'BF16':
        data = decodeBF16(bytes, at, en.numel);
        break;
      case 'F64':
        data = readF64(bytes, at, en.numel);
        break;
      default:
        return fail(`dtype ${en.dtype} is not supported; this reader converts ${READABLE_DTYPES.join(', ')} to float32`, en.name);
    }
    tensors.set(en.name, { shape: en.shape, data });
  }
  return { tensors, metadata };
}

function readF32(bytes: Uint8Array, at: number, count: number, copy: boolean): Float32Array {
  if (count === 0) return new Float32Array(0);
  const abs = bytes.byteOffset + at;
  if (LITTLE_ENDIAN && abs % 4 === 0) {
    const v = new Float32Array(bytes.buffer, abs, count);
    return copy ? v.slice() : v;
  }
  if (LITTLE_ENDIAN) {
    // Misaligned: copy the bytes into a fresh (aligned) buffer.
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + 4 * count));
    return out;
  }
  const dv = new DataView(bytes.buffer, abs, 4 * count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

/** F64 narrowed to float32 (round to nearest; magnitudes beyond float32 range become +-Infinity). */
function readF64(bytes: Uint8Array, at: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (count === 0) return out;
  const abs = bytes.byteOffset + at;
  if (LITTLE_ENDIAN && abs % 8 === 0) {
    out.set(new Float64Array(bytes.buffer, abs, count));
    return out;
  }
  const dv = new DataView(bytes.buffer, abs, 8 * count);
  for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, true);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** One tensor placed in the data buffer. */
export interface PlannedTensor {
  name: string;
  tensor: RawTensor;
  begin: number;
  end: number;
}

/** A header ready to write and the tensors in data-buffer order. */
export interface SafetensorsPlan {
  /** The length prefix and the space-padded header: the first `8 + N` bytes of the file. */
  prefix: Uint8Array;
  tensors: PlannedTensor[];
  /** Total file size in bytes. */
  size: number;
}

const LONE_SURROGATE = /\p{Cs}/u;

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function checkName(name: string, what: string): void {
  if (LONE_SURROGATE.test(name)) throw new ArgumentError(`${what} ${JSON.stringify(name)} is not valid Unicode (lone surrogate)`);
}

/**
 * Checks the tensors and lays out the file as the reference implementation does: names sorted
 * (by UTF-8 bytes), tensors packed back to back in that order, the JSON header padded with
 * spaces to a multiple of 8 bytes so that the data buffer starts 8-byte aligned.
 * Reads each tensor's `shape` and `data` once.
 */
export function planSafetensors(tensors: TensorsInput, metadata?: Record<string, string>): SafetensorsPlan {
  const input: [string, RawTensor][] = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const items: { name: string; shape: number[]; data: Float32Array }[] = [];
  for (const [name, t] of input) {
    if (typeof name !== 'string') throw new ArgumentError(`tensor names must be strings, found ${describe(name)}`);
    if (name === METADATA_KEY) throw new ArgumentError(`"${METADATA_KEY}" is reserved and cannot name a tensor`);
    checkName(name, 'tensor name');
    if (typeof t !== 'object' || t === null) throw new ArgumentError(`tensor ${JSON.stringify(name)}: expected {shape, data}, found ${describe(t)}`);
    const shape = t.shape;
    const data = t.data;
    if (!Array.isArray(shape) || !shape.every(isCount)) {
      throw new ShapeError(`tensor ${JSON.stringify(name)}: shape must be an array of non-negative integers, found ${JSON.stringify(shape)}`);
    }
    if (!(data instanceof Float32Array)) {
      throw new DTypeError(`tensor ${JSON.stringify(name)}: data must be a Float32Array, found ${describe(data)}`);
    }
    const numel = shape.reduce((a, d) => a * d, 1);
    if (data.length !== numel) {
      throw new ShapeError(`tensor ${JSON.stringify(name)}: shape ${fmtShape(shape)} holds ${numel} elements but data has ${data.length}`);
    }
    items.push({ name, shape: shape.slice(), data });
  }
  items.sort((a, b) => utf8Compare(a.name, b.name));

  // The JSON is assembled by hand: a JS object would enumerate integer-like names ("0", "10")
  // first, in numeric order, and the reference writes "__metadata__" first, then sorted names.
  const parts: string[] = [];
  if (metadata !== undefined) {
    const meta: [string, string][] = [];
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new ArgumentError(`metadata value for key ${JSON.stringify(k)} must be a string, found ${describe(v)}`);
      checkName(k, 'metadata key');
      checkName(v, `metadata value for key ${JSON.stringify(k)}:`);
      meta.push([k, v]);
    }
    meta.sort((a, b) => utf8Compare(a[0], b[0]));
    parts.push(`"${METADATA_KEY}":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  const planned: PlannedTensor[] = [];
  let offset = 0;
  for (const it of items) {
    const begin = offset;
    offset += it.data.length * 4;
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"F32","shape":[${it.shape.join(',')}],"data_offsets":[${begin},${offset}]}`);
    planned.push({ name: it.name, tensor: { shape: it.shape, data: it.data }, begin, end: offset });
  }

  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  if (n > MAX_HEADER_SIZE) throw new ArgumentError(`safetensors header would be ${n} bytes, over the ${MAX_HEADER_SIZE}-byte limit readers accept`);
  const prefix = new Uint8Array(8 + n).fill(0x20, 8 + json.length);
  new DataView(prefix.buffer).setUint32(0, n, true); // high 32 bits stay 0: n <= MAX_HEADER_SIZE
  prefix.set(json, 8);
  return { prefix, tensors: planned, size: prefix.length + offset };
}

/** The little-endian bytes of a Float32Array: a view on little-endian hosts, else a copy. */
export function float32LeBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) dv.setFloat32(4 * i, data[i], true);
  return out;
}

/**
 * Serializes float32 tensors to safetensors bytes, byte for byte as the reference
 * implementation writes F32 tensors (sorted names, 8-byte aligned data, space padding).
 * @example
 *   const bytes = serializeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } }, { format: 'pt' });
 */
export function serializeSafetensors(tensors: TensorsInput, metadata?: Record<string, string>): Uint8Array {
  const plan = planSafetensors(tensors, metadata);
  const out = new Uint8Array(plan.size);
  out.set(plan.prefix, 0);
  for (const p of plan.tensors) out.set(float32LeBytes(p.tensor.data), plan.prefix.length + p.begin);
  return out;
}
