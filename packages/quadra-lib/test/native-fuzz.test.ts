/**
 * Fuzzes every native kernel's argument checks (fast-check): a valid call built from random sizes,
 * then up to three mutations (wrong types, lengths, detached and shared buffers, unaligned views,
 * aliases, odd numbers, missing fields, fewer arguments). Every call must return or throw lib's
 * typed error (DTypeError / ArgumentError) whose message names the argument first; a call
 * whose buffers only moved to shared memory or an unaligned offset must still succeed.
 * QUADRA_FUZZ_RUNS sets the inputs per kernel (bench/RESULTS.md, issue 15, has the long run).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { KERNEL_NAMES, nativeKernels, QuadraError, requireNative } from '../src/index.js';
import type { KernelName } from '../src/kernel-table.js';
import { VALID, type Dims } from './fuzz/kernels.js';
import { mutate, mutationArb, type Mutation } from './fuzz/mutate.js';
import { FuzzTally, fuzzParams } from '../src/testing/fuzz.js';
import { materialize, type Spec } from './fuzz/values.js';

const native = (() => {
  try {
    return requireNative();
  } catch {
    return null;
  }
})();

const dimsArb: fc.Arbitrary<Dims> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
    c: fc.integer({ min: 1, max: 17 }), k: fc.constantFrom(1, 3, 5, 7), r: fc.integer({ min: 1, max: 9 }),
    q: fc.integer({ min: 1, max: 33 }), m: fc.integer({ min: 1, max: 70 }), p: fc.integer({ min: 1, max: 17 }),
    kk: fc.integer({ min: 1, max: 17 }), stride: fc.integer({ min: 1, max: 3 }), pad: fc.integer({ min: 0, max: 2 }),
    kh: fc.integer({ min: 1, max: 5 }), kw: fc.integer({ min: 1, max: 5 }),
    shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
  })
  .map((d) => ({ ...d, kh: Math.min(d.kh, d.h + 2 * d.pad), kw: Math.min(d.kw, d.w + 2 * d.pad) }));

const tally = new Map<KernelName, FuzzTally>();

/** Fills the packed-weight length (the backend's own) into LinearPack/LinearPacked templates. */
function resolvePacked(name: KernelName, d: Dims, args: Spec[]): Spec[] {
  if (name !== 'LinearPack' && name !== 'LinearPacked') return args;
  const len = nativeKernels().LinearPackedLength({ rows: d.r, inFeatures: d.q, outFeatures: d.p });
  return args.map((a) => ('f32' in a && a.f32 === -1 ? { f32: len } : a));
}

/**
 * The message starts with the argument's name (`x: ...`, `shape.n: ...`, `aShape[1] = 2 ...`), or
 * with the kernel's function name and then the argument's (`gather: indices[0] = -1 ...`).
 */
function namesArgument(message: string, names: readonly string[]): boolean {
  const m = /^([A-Za-z]\w*)(?:[^:]*?: ([A-Za-z]\w*))?/.exec(message);
  return m !== null && (names.includes(m[1]) || (m[2] !== undefined && names.includes(m[2])));
}

/** One input: build, mutate, call; any outcome other than a return or a typed, named error fails. */
function runOne(name: KernelName, d: Dims, muts: readonly Mutation[]): void {
  const template = VALID[name](d);
  const call = { names: template.names, args: resolvePacked(name, d, template.args) };
  const { args, valid } = mutate(call, muts);
  const fn = nativeKernels()[name] as (...a: unknown[]) => unknown;
  const t = tally.get(name) ?? new FuzzTally();
  tally.set(name, t);
  try {
    fn(...materialize(args));
  } catch (e) {
    if (!(e instanceof QuadraError)) throw new Error(`${name}: not a typed error: ${String(e)} (args ${JSON.stringify(args)})`);
    if (!namesArgument(e.message, call.names)) throw new Error(`${name}: message does not start with an argument name (${call.names.join(', ')}): ${e.message}`);
    if (valid) throw new Error(`${name}: a valid call was rejected: ${e.message} (args ${JSON.stringify(args)})`);
    t.reject(e.message);
    return;
  }
  t.accepted++;
}

interface CorpusEntry { kernel: KernelName; dims: Dims; mutations: Mutation[]; note: string }

describe.skipIf(!native)('native kernel argument checks (fuzz)', () => {
  const { numRuns, seed } = fuzzParams('native-fuzz', 300);
  afterAll(() => {
    for (const [name, t] of tally) console.log(t.summary(`native-fuzz ${name}`));
  });

  it('replays the committed corpus', () => {
    const corpus = JSON.parse(readFileSync(new URL('./fixtures/fuzz/native-kernels.json', import.meta.url), 'utf8')) as CorpusEntry[];
    expect(corpus.length).toBeGreaterThan(10);
    for (const c of corpus) runOne(c.kernel, c.dims, c.mutations);
  });

  for (const name of KERNEL_NAMES) {
    it(name, () => {
      // Unmutated calls must succeed: the templates are valid.
      fc.assert(fc.property(dimsArb, fc.array(mutationArb, { maxLength: 3 }), (d, muts) => runOne(name, d, muts)), { numRuns, seed });
      const t = tally.get(name)!;
      expect(t.accepted + t.rejected).toBeGreaterThanOrEqual(numRuns);
      // Both outcomes occur: mutations reach past the first check, and valid calls get through.
      if (numRuns >= 100) {
        expect(t.accepted).toBeGreaterThan(0);
        expect(t.rejected).toBeGreaterThan(0);
      }
    });
  }
});
