/**
 * Fuzzes the NAS file readers (fast-check): valid search spaces and latency tables with fields
 * replaced (odd JSON values), deleted or nudged (sign flips, off-by-n, powers of two), and
 * arbitrary JSON. parseSpace must return a space or throw SearchSpaceError naming the field;
 * parseLut a table or LutError; nothing else, no hang. The corpus in fixtures/fuzz/ is replayed
 * first. QUADRA_FUZZ_RUNS scales the run (bench/RESULTS.md, issue 15).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { applyJsonEdits, FuzzTally, fuzzParams, type JsonEdit } from '@quadranet/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPACES, FASHION_MNIST_SPACE, LutError, parseLut, parseSpace, SearchSpaceError } from '../src/index.js';
import { fakeLut } from './lut-helpers.js';

const odd = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -1, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 1e9, '', 'x', 'forward', true, [], {}, [3], [2, 4], { kind: 'block' }),
  fc.jsonValue({ maxDepth: 2 }),
);
const at = fc.array(fc.nat(), { maxLength: 6 });
const editsArb: fc.Arbitrary<JsonEdit[]> = fc.array(
  fc.oneof(fc.record({ at, set: odd }), fc.record({ at, del: fc.constant(true as const) }), fc.record({ at, nudge: fc.integer({ min: -40, max: 40 }) })),
  { minLength: 1, maxLength: 3 },
);

const spaceTally = new FuzzTally();
const lutTally = new FuzzTally();

function spaceOne(json: unknown): void {
  try {
    parseSpace(json, 'fuzz');
  } catch (e) {
    if (!(e instanceof SearchSpaceError)) throw e;
    spaceTally.reject(e.message);
    return;
  }
  spaceTally.accepted++;
}

function lutOne(json: unknown): void {
  try {
    parseLut(json, 'fuzz');
  } catch (e) {
    if (!(e instanceof LutError)) throw e;
    lutTally.reject(e.message);
    return;
  }
  lutTally.accepted++;
}

const corpus = (prefix: string) => {
  const dir = new URL('./fixtures/fuzz/', import.meta.url);
  return readdirSync(dir).filter((f) => f.startsWith(prefix)).map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8'))] as const);
};

describe('NAS file readers (fuzz)', () => {
  const { numRuns, seed } = fuzzParams('nas-files-fuzz', 1000);
  afterAll(() => {
    console.log(spaceTally.summary('nas-space-fuzz'));
    console.log(lutTally.summary('nas-lut-fuzz'));
  });

  it('replays the committed corpus', () => {
    const spaces = corpus('space-'), luts = corpus('lut-');
    expect(spaces.length + luts.length).toBeGreaterThan(5);
    for (const [f, j] of spaces) expect(() => spaceOne(j), f).not.toThrow();
    for (const [f, j] of luts) expect(() => lutOne(j), f).not.toThrow();
  });

  it('search spaces: edited valid spaces and arbitrary JSON', () => {
    const base = fc.constantFrom(...Object.values(DEFAULT_SPACES));
    fc.assert(fc.property(fc.oneof({ weight: 9, arbitrary: fc.tuple(base, editsArb).map(([s, e]) => applyJsonEdits(s, e)) }, { weight: 1, arbitrary: fc.jsonValue() }), spaceOne), { numRuns, seed });
    expect(spaceTally.accepted).toBeGreaterThan(0);
    expect(spaceTally.rejected).toBeGreaterThan(numRuns / 4);
  });

  it('latency tables: edited valid tables and arbitrary JSON', () => {
    const lut = fakeLut(FASHION_MNIST_SPACE);
    fc.assert(fc.property(fc.oneof({ weight: 9, arbitrary: editsArb.map((e) => applyJsonEdits(lut, e)) }, { weight: 1, arbitrary: fc.jsonValue() }), lutOne), { numRuns, seed });
    expect(lutTally.accepted).toBeGreaterThan(0);
    expect(lutTally.rejected).toBeGreaterThan(numRuns / 4);
  });
});
