/**
 * Mutations of a valid kernel call: an argument (or a field of an object argument) retyped,
 * resized, replaced by an odd value, aliased to another argument, or dropped; or the call cut short.
 */
import fc from 'fast-check';
import type { Call } from './kernels.js';
import type { Spec } from './values.js';

export type Mutation =
  | { at: number; retype: 'f64' | 'i32' | 'u8odd' | 'arr' | 'shared' | 'offset' | 'detached' }
  | { at: number; resize: number }
  | { at: number; set: Spec }
  | { at: number; alias: number; sub?: number }
  | { at: number; badIndex: number }
  | { at: number; drop: true }
  | { truncate: number };

const ODD: Spec[] = [
  { num: -1 }, { num: 0 }, { num: 0.5 }, { num: 'NaN' }, { num: 'Infinity' }, { num: '-Infinity' }, { num: 2 ** 31 },
  { num: 2 ** 53 }, { num: -(2 ** 53) }, { num: 1e308 }, { num: 2 ** 26 }, { str: 'add' }, { str: 'x' }, { str: '' },
  { bool: true }, { bool: false }, { nul: true }, { undef: true }, { big: '3' }, { sym: true }, { ints: [] }, { ints: [1, 2] },
  { ints: [1, 1, 1, 1, 1, 1, 1, 1, 1] }, { ints: [-1] }, { ints: ['NaN'] }, { ints: [2 ** 40, 2 ** 40] }, { ints: [0, 3] },
  { obj: {} }, { f32: 0 }, { f32: 1 }, { arr: 3 }, { f64: 4 }, { i32: 4, max: 4 }, { u8odd: 2 },
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), retype: fc.constantFrom('f64', 'i32', 'u8odd', 'arr', 'shared', 'offset', 'detached') as fc.Arbitrary<'f64'> }),
  fc.record({ at: fc.nat(), resize: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 31, 2 ** 53, -(2 ** 31))) }),
  fc.record({ at: fc.nat(), set: fc.constantFrom(...ODD) }),
  fc.record({ at: fc.nat(), alias: fc.nat(12), sub: fc.option(fc.nat(8), { nil: undefined }) }),
  fc.record({ at: fc.nat(), badIndex: fc.constantFrom(-1, 2 ** 31 - 1, -(2 ** 31), 1000) }),
  fc.record({ at: fc.nat(), drop: fc.constant(true as const) }),
  fc.record({ truncate: fc.nat(10) }),
);

type Leaf = { arg: number; field?: string };

function leaves(args: Spec[]): Leaf[] {
  const out: Leaf[] = [];
  args.forEach((a, arg) => {
    out.push({ arg });
    if ('obj' in a) for (const field of Object.keys(a.obj)) out.push({ arg, field });
  });
  return out;
}

function change(s: Spec, m: Exclude<Mutation, { truncate: number }>): Spec | null {
  if ('retype' in m) {
    const n = 'f32' in s ? s.f32 : 4;
    if (m.retype === 'shared' || m.retype === 'offset' || m.retype === 'detached') return { f32: n, kind: m.retype };
    if (m.retype === 'i32') return { i32: n, max: 0 };
    if (m.retype === 'u8odd') return { u8odd: n };
    return m.retype === 'f64' ? { f64: n } : { arr: n };
  }
  if ('resize' in m) {
    if ('f32' in s) return { f32: Math.max(0, Math.min(s.f32 + m.resize, 1 << 16)), kind: s.kind };
    if ('num' in s && typeof s.num === 'number') return { num: s.num + m.resize };
    if ('ints' in s && s.ints.length > 0) {
      const ints = s.ints.slice();
      const j = Math.abs(m.resize) % ints.length;
      ints[j] = typeof ints[j] === 'number' ? ints[j] + m.resize : m.resize;
      return { ints };
    }
    if ('i32' in s) return { ...s, i32: Math.max(0, Math.min(s.i32 + m.resize, 1 << 16)) };
    return s;
  }
  if ('set' in m) return m.set;
  if ('alias' in m) return { alias: m.alias, sub: m.sub };
  if ('badIndex' in m) return 'i32' in s ? { ...s, bad: m.badIndex } : s;
  return null; // drop
}

/**
 * Applies the mutations to a copy of `call`; `valid` stays true only when every mutation keeps the
 * call valid (a float buffer moved to shared memory or to an unaligned offset).
 */
export function mutate(call: Call, muts: readonly Mutation[]): { args: Spec[]; valid: boolean } {
  const args: Spec[] = structuredClone(call.args);
  let valid = true;
  let length = args.length;
  for (const m of muts) {
    if ('truncate' in m) {
      if (m.truncate < length) {
        length = m.truncate;
        valid = false;
      }
      continue;
    }
    const ls = leaves(args);
    const leaf = ls[m.at % ls.length];
    const holder = leaf.field === undefined ? null : (args[leaf.arg] as { obj: Record<string, Spec> }).obj;
    const before = holder ? holder[leaf.field!] : args[leaf.arg];
    const after = change(before, m);
    const keepsValid = 'retype' in m && (m.retype === 'shared' || m.retype === 'offset') && 'f32' in before;
    if (!keepsValid && JSON.stringify(after) !== JSON.stringify(before)) valid = false;
    if (holder) {
      if (after === null) delete holder[leaf.field!];
      else holder[leaf.field!] = after;
    } else {
      args[leaf.arg] = after ?? { undef: true };
    }
  }
  return { args: args.slice(0, length), valid };
}
