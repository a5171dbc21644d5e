/**
 * Fuzzes parseIdx (fast-check): headers from valid and invalid parts (magic, element type, rank,
 * dimensions up to 2^32 - 1, data shorter or longer than they say), gzip-wrapped or not, plus
 * byte edits of valid files (corrupt gzip included). Every parse returns dims whose product is
 * the data length, or throws DatasetError naming the file; nothing else. QUADRA_FUZZ_RUNS scales it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { FuzzTally, fuzzParams } from '@quadranet/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, parseIdx } from '../src/index.js';

const idxArb = fc.record({
  magic: fc.oneof({ weight: 8, arbitrary: fc.constant([0, 0]) }, { weight: 1, arbitrary: fc.tuple(fc.nat(255), fc.nat(255)) }),
  type: fc.oneof({ weight: 8, arbitrary: fc.constant(8) }, { weight: 1, arbitrary: fc.nat(255) }),
  dims: fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 32 - 1, 2 ** 31, 65536) }), { maxLength: 5 }),
  rank: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat(255) }),
  extra: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }) }),
  gzip: fc.boolean(),
  edits: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.record({ pos: fc.nat(), byte: fc.nat(255) }), { minLength: 1, maxLength: 2 }) }),
  cut: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
});

function build(f: typeof idxArb extends fc.Arbitrary<infer T> ? T : never): Uint8Array {
  const count = f.dims.reduce((a, d) => a * d, 1);
  const dataLen = Math.max(0, Math.min(count, 4096) + f.extra);
  const out = new Uint8Array(4 + 4 * f.dims.length + dataLen);
  const dv = new DataView(out.buffer);
  out[0] = f.magic[0];
  out[1] = f.magic[1];
  out[2] = f.type;
  out[3] = f.rank ?? f.dims.length;
  f.dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  let bytes: Uint8Array = f.gzip ? new Uint8Array(gzipSync(out)) : out;
  for (const e of f.edits) if (bytes.length > 0) bytes[e.pos % bytes.length] = e.byte;
  if (f.cut !== undefined) bytes = bytes.subarray(0, f.cut % (bytes.length + 1));
  return bytes;
}

const tally = new FuzzTally();

function parseOne(bytes: Uint8Array): void {
  try {
    const r = parseIdx(bytes, 'fuzz.idx');
    const count = r.dims.reduce((a, d) => a * d, 1);
    expect(r.data.length).toBe(count);
    expect(r.dims.length).toBeGreaterThanOrEqual(1);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    expect(e.message.startsWith('fuzz.idx: ')).toBe(true);
    tally.reject(e.message);
    return;
  }
  tally.accepted++;
}

describe('IDX reader (fuzz)', () => {
  const { numRuns, seed } = fuzzParams('idx-fuzz', 1000);
  afterAll(() => console.log(tally.summary('idx-fuzz')));

  it('replays the committed corpus', () => {
    const dir = new URL('./fixtures/fuzz/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.idx') || f.endsWith('.idx.gz'));
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) expect(() => parseOne(new Uint8Array(readFileSync(new URL(f, dir)))), f).not.toThrow();
  });

  it('headers from valid and invalid parts, gzip, byte edits', () => {
    fc.assert(fc.property(idxArb, (f) => parseOne(build(f))), { numRuns, seed });
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(numRuns / 10);
  });
});
