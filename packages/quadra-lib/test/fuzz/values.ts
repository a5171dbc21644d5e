/**
 * Argument values for the native-kernel fuzz, described as JSON (so a failing input prints
 * readably and the committed corpus is plain JSON) and built into real values at call time.
 */

/** A buffer spec: element type, length, and how its memory is held. */
export type BufKind = 'plain' | 'shared' | 'offset' | 'detached';
export type Spec =
  | { f32: number; kind?: BufKind }
  | { f64: number }
  | { i32: number; max: number; bad?: number }
  | { u8odd: number }
  | { arr: number }
  | { num: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { str: string }
  | { bool: boolean }
  | { nul: true }
  | { undef: true }
  | { big: string }
  | { sym: true }
  | { ints: (number | 'NaN')[] }
  | { obj: Record<string, Spec> }
  /** The same object as top-level argument `alias` (outputs aliasing inputs). */
  | { alias: number; sub?: number };

const fill = (a: Float32Array | Float64Array): void => {
  for (let i = 0; i < a.length; i++) a[i] = ((i * 7) % 11) * 0.125 - 0.5;
};

function num(v: number | 'NaN' | 'Infinity' | '-Infinity'): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A Float32Array of `n` elements held as `kind` says (a detached one reads as length 0). */
function f32(n: number, kind: BufKind = 'plain'): Float32Array {
  if (kind === 'shared') {
    const a = new Float32Array(new SharedArrayBuffer(4 * n));
    fill(a);
    return a;
  }
  if (kind === 'offset') {
    // 4 bytes in: aligned for float32 but not for any SIMD width.
    const a = new Float32Array(new ArrayBuffer(4 * n + 4), 4, n);
    fill(a);
    return a;
  }
  const a = new Float32Array(n);
  fill(a);
  if (kind === 'detached') structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

/** Builds the arguments; `alias` refers to an argument built earlier (or later: resolved in a second pass). */
export function materialize(specs: readonly Spec[]): unknown[] {
  const out: unknown[] = new Array(specs.length);
  const build = (s: Spec): unknown => {
    if ('f32' in s) return f32(s.f32, s.kind);
    if ('f64' in s) {
      const a = new Float64Array(s.f64);
      fill(a);
      return a;
    }
    if ('i32' in s) {
      const a = new Int32Array(s.i32);
      for (let i = 0; i < a.length; i++) a[i] = s.max > 0 ? i % s.max : 0;
      if (s.bad !== undefined && a.length > 0) a[a.length - 1] = s.bad;
      return a;
    }
    if ('u8odd' in s) return new Uint8Array(new ArrayBuffer(s.u8odd * 4 + 1), 1, s.u8odd * 4);
    if ('arr' in s) return Array.from({ length: s.arr }, () => 0.5);
    if ('num' in s) return num(s.num);
    if ('str' in s) return s.str;
    if ('bool' in s) return s.bool;
    if ('nul' in s) return null;
    if ('undef' in s) return undefined;
    if ('big' in s) return BigInt(s.big);
    if ('sym' in s) return Symbol('fuzz');
    if ('ints' in s) return s.ints.map(num);
    if ('obj' in s) return Object.fromEntries(Object.entries(s.obj).map(([k, v]) => [k, build(v)]));
    return undefined; // alias: second pass
  };
  specs.forEach((s, i) => (out[i] = build(s)));
  specs.forEach((s, i) => {
    if (!('alias' in s)) return;
    const target = out[s.alias % specs.length];
    // (a detached target has no subarray: the alias is then the detached view itself)
    const sub = target instanceof Float32Array && s.sub !== undefined && target.buffer.byteLength > 0;
    out[i] = sub ? target.subarray(Math.min(s.sub!, target.length)) : target;
  });
  return out;
}

/** The element count of a float buffer spec, or undefined for anything else. */
export function bufLength(s: Spec): number | undefined {
  return 'f32' in s ? s.f32 : undefined;
}
