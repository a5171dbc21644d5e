/**
 * Fuzzes parseSafetensors (fast-check): headers built from parts that are valid or not (dtypes,
 * shapes, offsets, metadata, the length prefix, padding, trailing bytes), and valid files with
 * bytes overwritten, cut or appended. Every parse must return a consistent result that
 * re-serializes to the same values, or throw FileFormatError; anything else fails. The committed
 * corpus (fixtures/fuzz/safetensors/) is replayed first. QUADRA_FUZZ_RUNS scales the run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, parseSafetensors, serializeSafetensors, type SafetensorsFile } from '../src/io/index.js';
import { FuzzTally, fuzzParams } from '../src/testing/index.js';
import { concat, product, u64le } from './fixtures/io-helpers.js';

const SIZE: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, U8: 1, BOOL: 1, I64: 8 };
const junk = fc.constantFrom<unknown>(null, -1, 1.5, 'x', [], {}, [0], [-1, 2], [2 ** 53, 0], true, 1e999, '4', [1, 0]);

interface Entry { name: string; dtype: unknown; shape: unknown; offsets: unknown; bytes: number }

const entryArb: fc.Arbitrary<Entry> = fc.record({
  name: fc.oneof(fc.constantFrom('w', 'b', 'x.y', '0', 'é', '__metadata__', ''), fc.string({ maxLength: 6 })),
  dtype: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('F32', 'F16', 'BF16', 'F64') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('I32', 'U8', 'BOOL', 'I64', 'f32', '', 'F8_E4M3'), junk) }),
  shape: fc.oneof({ weight: 5, arbitrary: fc.array(fc.constantFrom(0, 1, 2, 3, 5), { maxLength: 3 }) }, { weight: 1, arbitrary: fc.oneof(junk, fc.array(fc.integer({ min: -3, max: 2 ** 33 }), { maxLength: 3 })) }),
  // undefined: the consistent offsets; otherwise replaced by these
  offsets: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(junk, fc.tuple(fc.nat(64), fc.nat(64)), fc.tuple(fc.integer({ min: -2, max: 2 ** 40 }), fc.integer({ min: -2, max: 2 ** 40 }))) }),
  bytes: fc.constant(0),
});

const fileArb = fc.record({
  entries: fc.array(entryArb, { maxLength: 5 }),
  metadata: fc.option(fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }), junk), { nil: undefined }),
  pad: fc.boolean(),
  prefixDelta: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -16, max: 16 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 32, 2 ** 53, 100_000_000) }),
  trailing: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 8 }) }),
  fill: fc.integer({ min: 0, max: 255 }),
  oddOffset: fc.boolean(),
});

/** The bytes of a described file: consistent offsets unless overridden, data filled with `fill`. */
type FileDesc = typeof fileArb extends fc.Arbitrary<infer T> ? T : never;

function build(f: FileDesc): Uint8Array {
  const header: Record<string, unknown> = {};
  if (f.metadata !== undefined) header.__metadata__ = f.metadata;
  let off = 0;
  for (const e of f.entries) {
    const shape = Array.isArray(e.shape) && e.shape.every((d) => Number.isSafeInteger(d) && d >= 0 && d < 64) ? (e.shape as number[]) : [1];
    const n = product(shape) * (SIZE[String(e.dtype)] ?? 4);
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: e.offsets ?? [off, off + n] };
    off += n;
  }
  let text = JSON.stringify(header);
  if (f.pad) while (text.length % 8 !== 0) text += ' ';
  const h = new TextEncoder().encode(text);
  const dataLen = Math.max(0, off + f.trailing);
  const data = new Uint8Array(dataLen).fill(f.fill);
  return concat(u64le(Math.max(0, h.length + f.prefixDelta)), h, data);
}

const edits = fc.array(
  fc.oneof(
    fc.record({ pos: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ cut: fc.nat() }),
    fc.record({ append: fc.uint8Array({ maxLength: 16 }) }),
  ),
  { minLength: 1, maxLength: 4 },
);

function applyEdits(file: Uint8Array, es: ReadonlyArray<{ pos: number; byte: number } | { cut: number } | { append: Uint8Array }>): Uint8Array {
  let g: Uint8Array = file.slice();
  for (const e of es) {
    if ('pos' in e) {
      if (g.length > 0) g[e.pos % g.length] = e.byte;
    } else if ('cut' in e) g = g.slice(0, e.cut % (g.length + 1));
    else g = concat(g, e.append);
  }
  return g;
}

function atOddOffset(file: Uint8Array): Uint8Array {
  const mem = new Uint8Array(file.length + 1);
  mem.set(file, 1);
  return mem.subarray(1);
}

function checkResult(r: SafetensorsFile): void {
  for (const [name, t] of r.tensors) {
    if (!(t.data instanceof Float32Array)) throw new Error(`${name}: data is not a Float32Array`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${name}: bad shape ${t.shape}`);
    if (t.data.length !== product(t.shape)) throw new Error(`${name}: ${t.data.length} elements for shape [${t.shape}]`);
  }
  for (const [k, v] of Object.entries(r.metadata)) if (typeof v !== 'string') throw new Error(`metadata ${k} is not a string`);
  // A valid result re-serializes and parses back to the same values.
  const again = parseSafetensors(serializeSafetensors(r.tensors, r.metadata));
  expect(again.metadata).toEqual(r.metadata);
  for (const [name, t] of r.tensors) {
    const u = again.tensors.get(name)!;
    expect(u.shape).toEqual(t.shape);
    expect(Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))).toBe(true);
  }
}

const tally = new FuzzTally();

/** Parses `file`: a consistent result or FileFormatError, nothing else. */
function parseOne(file: Uint8Array): void {
  let r: SafetensorsFile;
  try {
    r = parseSafetensors(file);
  } catch (e) {
    if (!(e instanceof FileFormatError)) throw e;
    tally.reject(e.message.replace(/^safetensors data: (tensor "[^"]*": )?/, ''));
    return;
  }
  checkResult(r);
  tally.accepted++;
}

describe('safetensors fuzz', () => {
  const { numRuns, seed } = fuzzParams('safetensors-fuzz', 1000);
  afterAll(() => console.log(tally.summary('safetensors-fuzz')));

  it('replays the committed corpus', () => {
    const dir = new URL('./fixtures/fuzz/safetensors/', import.meta.url);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(new URL(f, dir)));
      expect(() => parseOne(bytes), f).not.toThrow();
      expect(() => parseOne(atOddOffset(bytes)), f).not.toThrow();
    }
  });

  it('headers built from valid and invalid parts', () => {
    fc.assert(fc.property(fileArb, (f) => parseOne(f.oddOffset ? atOddOffset(build(f)) : build(f))), { numRuns, seed });
  });

  it('valid files with bytes overwritten, cut or appended', () => {
    const validArb = fileArb.map((f) => ({ ...f, prefixDelta: 0, trailing: 0 }));
    fc.assert(fc.property(validArb, edits, fc.boolean(), (f, es, odd) => {
      const g = applyEdits(build(f), es);
      parseOne(odd ? atOddOffset(g) : g);
    }), { numRuns, seed });
  });

  it('reaches past the first checks', () => {
    // Both outcomes occur often, with many distinct reasons.
    expect(tally.accepted).toBeGreaterThan(numRuns / 20);
    expect(tally.rejected).toBeGreaterThan(numRuns / 4);
    expect(tally.kinds.size).toBeGreaterThan(15);
  });
});
