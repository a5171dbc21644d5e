/**
 * Fuzzes parseSafetensors with mutated valid files: every parse must either return a result
 * whose tensors are consistent or throw FileFormatError. Any other exception fails the test.
 */
import { describe, expect, it } from 'vitest';
import { FileFormatError, parseSafetensors, serializeSafetensors, type SafetensorsFile } from '../src/io/index.js';
import { buildFile, concat, f32le, f64le, mulberry32, product, testSeed, u16le, u64le } from './fixtures/io-helpers.js';

// QUADRA_FUZZ_ITERATIONS raises the count for a longer local run.
const ITERATIONS = Number(process.env.QUADRA_FUZZ_ITERATIONS) || 12_000;
const DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I32', 'U8', 'BOOL', 'F8_E4M3', 'I64', 'f32', '', 'F3'];

const seed = testSeed('io-fuzz');
const rand = mulberry32(seed);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

interface Spec {
  name: string;
  dtype: 'F32' | 'F16' | 'BF16' | 'F64' | 'I32';
  shape: number[];
}
const SIZE = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4 } as const;

/** A valid file of a few tensors of mixed dtypes, in a random order of the data buffer. */
function baseFile(): Uint8Array {
  const n = int(5);
  const specs: Spec[] = [];
  for (let i = 0; i < n; i++) {
    const rank = int(4);
    const shape = Array.from({ length: rank }, () => pick([0, 1, 1, 2, 3, 5]));
    specs.push({ name: pick(['w', 'b', 'x.y', '0', 'é', 'layer.' + i]) + i, dtype: pick(['F32', 'F32', 'F16', 'BF16', 'F64', 'I32'] as const), shape });
  }
  const order = specs.slice().sort(() => rand() - 0.5);
  const header: Record<string, unknown> = {};
  if (rand() < 0.5) header.__metadata__ = { format: 'pt', k: String(int(100)) };
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const s of order) {
    const count = product(s.shape);
    let bytes: Uint8Array;
    if (s.dtype === 'F32') bytes = f32le(...Array.from({ length: count }, () => rand() * 4 - 2));
    else if (s.dtype === 'F64') bytes = f64le(...Array.from({ length: count }, () => rand() * 4 - 2));
    else if (s.dtype === 'I32') bytes = new Uint8Array(4 * count);
    else bytes = u16le(...Array.from({ length: count }, () => int(65536)));
    header[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [off, off + bytes.length] };
    off += bytes.length;
    parts.push(bytes);
  }
  return buildFile(header, concat(...parts), rand() < 0.8);
}

function headerOf(file: Uint8Array): { len: number; text: string } | undefined {
  if (file.length < 8) return undefined;
  const len = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  if (len > file.length - 8) return undefined;
  return { len, text: new TextDecoder().decode(file.subarray(8, 8 + len)) };
}

/** Replaces the header text, fixing the length prefix (so the JSON layer is what gets tested). */
function withHeader(file: Uint8Array, text: string, fixLength = true): Uint8Array {
  const h = headerOf(file);
  if (h === undefined) return file;
  const enc = new TextEncoder().encode(text);
  return concat(u64le(fixLength ? enc.length : h.len), enc, file.subarray(8 + h.len));
}

const NUMBERS = ['-1', '0', '1', '2', '3', '4', '7', '8', '1e999', '-0', '2.5', '9007199254740993', '4294967296', '"4"', 'null', '[]', '{}', 'true'];

function replaceRandom(text: string, re: RegExp, make: (m: string) => string): string {
  const ms = [...text.matchAll(re)];
  if (ms.length === 0) return text;
  const m = pick(ms);
  return text.slice(0, m.index) + make(m[0]) + text.slice(m.index! + m[0].length);
}

type Mutation = (f: Uint8Array) => Uint8Array;
const MUTATIONS: [string, Mutation][] = [
  ['flip header byte', (f) => {
    const g = f.slice();
    const h = headerOf(g);
    const end = h ? 8 + h.len : g.length;
    if (end > 8) g[8 + int(end - 8)] ^= 1 << int(8);
    return g;
  }],
  ['random header byte', (f) => {
    const g = f.slice();
    const h = headerOf(g);
    if (h && h.len > 0) g[8 + int(h.len)] = int(256);
    return g;
  }],
  ['flip data byte', (f) => {
    const g = f.slice();
    const h = headerOf(g);
    const start = h ? 8 + h.len : 8;
    if (g.length > start) g[start + int(g.length - start)] = int(256);
    return g;
  }],
  ['truncate', (f) => f.slice(0, int(f.length + 1))],
  ['truncate a little', (f) => f.slice(0, Math.max(0, f.length - 1 - int(8)))],
  ['extend', (f) => concat(f, Uint8Array.from({ length: 1 + int(16) }, () => int(256)))],
  ['length prefix +-delta', (f) => {
    const g = f.slice();
    if (g.length < 8) return g;
    const dv = new DataView(g.buffer);
    dv.setBigUint64(0, BigInt.asUintN(64, dv.getBigUint64(0, true) + BigInt(int(33) - 16)), true);
    return g;
  }],
  ['length prefix random', (f) => {
    const g = f.slice();
    if (g.length < 8) return g;
    const dv = new DataView(g.buffer);
    const choice = int(4);
    if (choice === 0) dv.setUint32(4, int(2 ** 32), true);
    else if (choice === 1) dv.setUint32(0, int(2 ** 32), true);
    else if (choice === 2) dv.setBigUint64(0, BigInt(int(g.length + 8)), true);
    else dv.setBigUint64(0, BigInt(pick([0, 1, 2, 100_000_000, 100_000_001])), true);
    return g;
  }],
  ['replace a number', (f) => {
    const h = headerOf(f);
    return h ? withHeader(f, replaceRandom(h.text, /-?\d+/g, () => pick(NUMBERS)), rand() < 0.9) : f;
  }],
  ['nudge a number', (f) => {
    const h = headerOf(f);
    return h ? withHeader(f, replaceRandom(h.text, /\d+/g, (m) => String(Math.max(0, Number(m) + int(9) - 4))), rand() < 0.9) : f;
  }],
  ['change a dtype', (f) => {
    const h = headerOf(f);
    return h ? withHeader(f, replaceRandom(h.text, /"dtype":"[^"]*"/g, () => `"dtype":${JSON.stringify(pick(DTYPES))}`), rand() < 0.9) : f;
  }],
  ['structural JSON edit', (f) => {
    const h = headerOf(f);
    if (!h) return f;
    let obj: Record<string, Record<string, unknown>>;
    try {
      obj = JSON.parse(h.text);
    } catch {
      return f;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return f;
    const names = Object.keys(obj).filter((k) => k !== '__metadata__');
    const values: unknown[] = [null, 1, -1, 'x', [], {}, [0], [0, 0, 0], [1, 0], [2 ** 53, 0], { a: 1 }, true];
    const op = int(8);
    if (names.length === 0 || op === 0) {
      obj.__metadata__ = pick([{ a: 'b' }, { a: 1 }, 'pt', [], null]) as Record<string, unknown>;
    } else {
      const n = pick(names);
      const entry = obj[n];
      if (op === 1) obj[n] = pick(values) as Record<string, unknown>;
      else if (entry && typeof entry === 'object') {
        const field = pick(['dtype', 'shape', 'data_offsets']);
        if (op === 2) delete entry[field];
        else if (op === 3) entry[field] = pick(values);
        else if (op === 4 && names.length > 1) {
          // swap the data_offsets of two tensors
          const other = obj[pick(names)];
          if (other && typeof other === 'object') [entry.data_offsets, other.data_offsets] = [other.data_offsets, entry.data_offsets];
        } else if (op === 5 && Array.isArray(entry.data_offsets)) {
          entry.data_offsets = (entry.data_offsets as unknown[]).slice().reverse();
        } else if (op === 6 && Array.isArray(entry.shape)) {
          entry.shape = (entry.shape as unknown[]).slice().reverse().concat(rand() < 0.5 ? [int(3)] : []);
        } else {
          obj[n + '_dup'] = JSON.parse(JSON.stringify(entry));
        }
      }
    }
    return withHeader(f, JSON.stringify(obj), rand() < 0.95);
  }],
];

function checkResult(r: SafetensorsFile): void {
  for (const [name, t] of r.tensors) {
    if (!(t.data instanceof Float32Array)) throw new Error(`${name}: data is not a Float32Array`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${name}: bad shape ${t.shape}`);
    if (t.data.length !== product(t.shape)) throw new Error(`${name}: ${t.data.length} elements for shape [${t.shape}]`);
  }
  for (const [k, v] of Object.entries(r.metadata)) if (typeof v !== 'string') throw new Error(`metadata ${k} is not a string`);
}

describe('safetensors fuzz', () => {
  it(`${ITERATIONS} mutated files: valid result or FileFormatError, nothing else`, () => {
    const stats = { ok: 0, formatError: 0 };
    const messages = new Map<string, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      let file = baseFile();
      const applied: string[] = [];
      const rounds = 1 + int(3);
      for (let r = 0; r < rounds; r++) {
        const [name, mutate] = pick(MUTATIONS);
        applied.push(name);
        file = mutate(file);
      }
      // Parse at an odd memory offset half the time, so the copy paths get fuzzed too.
      if (rand() < 0.5) {
        const mem = new Uint8Array(file.length + 1);
        mem.set(file, 1);
        file = mem.subarray(1);
      }
      let result: SafetensorsFile | undefined;
      try {
        result = parseSafetensors(file);
      } catch (e) {
        if (!(e instanceof FileFormatError)) {
          throw new Error(`seed ${seed}, iteration ${i}, mutations [${applied.join(', ')}]: unexpected ${String(e)}`, { cause: e });
        }
        stats.formatError++;
        const kind = e.message.replace(/^safetensors data: (tensor "[^"]*": )?/, '').replace(/[\d]+/g, 'N').slice(0, 40);
        messages.set(kind, (messages.get(kind) ?? 0) + 1);
        continue;
      }
      try {
        checkResult(result);
        // A valid result re-serializes and parses back to the same values.
        const again = parseSafetensors(serializeSafetensors(result.tensors, result.metadata));
        expect(again.metadata).toEqual(result.metadata);
        for (const [name, t] of result.tensors) {
          const u = again.tensors.get(name)!;
          expect(u.shape).toEqual(t.shape);
          expect(Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))).toBe(true);
        }
      } catch (e) {
        throw new Error(`seed ${seed}, iteration ${i}, mutations [${applied.join(', ')}]: inconsistent result: ${String(e)}`, { cause: e });
      }
      stats.ok++;
    }
    console.log(`[io-fuzz] ${stats.ok} parsed, ${stats.formatError} FileFormatError, ${messages.size} distinct error kinds`);
    expect(stats.ok + stats.formatError).toBe(ITERATIONS);
    // Both outcomes occur often: the mutations reach past the first checks.
    expect(stats.ok).toBeGreaterThan(ITERATIONS / 50);
    expect(stats.formatError).toBeGreaterThan(ITERATIONS / 2);
    expect(messages.size).toBeGreaterThan(15);
  });
});
