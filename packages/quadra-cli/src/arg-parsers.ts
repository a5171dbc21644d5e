/**
 * Commander argument parsers shared by every command: each knows its flag, so a bad value is an
 * ArgumentError in the user's terms (`--threads must be ≥ 1, got -2`), printed as one line by cli.ts.
 *
 * @example
 * .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 10)
 */
import { ArgumentError } from '@quadranet/core';

export type ArgParser<T> = (value: string) => T;

/** A finite number: rejects '', 'abc', '1e', 'NaN', 'Infinity' (Number('') is 0, so it is not enough). */
function finite(flag: string, value: string): number {
  const v = value.trim();
  const n = v === '' ? NaN : Number(v);
  if (!Number.isFinite(n)) throw new ArgumentError(`${flag} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

function int(flag: string, value: string, min: number): number {
  const v = value.trim();
  const n = v === '' ? NaN : Number(v);
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  if (n < min) throw new ArgumentError(`${flag} must be ≥ ${min}, got ${n}`);
  return n;
}

/** An integer ≥ min (e.g. timed runs ≥ 20). */
export function intAtLeast(flag: string, min: number): ArgParser<number> {
  return (value) => int(flag, value, min);
}

/** An integer ≥ 1 (epochs, batch size, threads, runs). */
export function positiveInt(flag: string): ArgParser<number> {
  return (value) => int(flag, value, 1);
}

/** An integer ≥ 0 (seed, limit, workers, warm-up runs). */
export function nonNegativeInt(flag: string): ArgParser<number> {
  return (value) => int(flag, value, 0);
}

export interface Range {
  /** Lower bound (inclusive unless minExclusive). */
  min?: number;
  /** Upper bound (inclusive unless maxExclusive). */
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** A number within a range, e.g. numberIn('--drop-path', { min: 0, max: 1, maxExclusive: true }). */
export function numberIn(flag: string, r: Range): ArgParser<number> {
  const rule = r.min !== undefined && r.max !== undefined
    ? `in ${r.minExclusive ? '(' : '['}${r.min}, ${r.max}${r.maxExclusive ? ')' : ']'}`
    : r.min !== undefined ? `${r.minExclusive ? '>' : '≥'} ${r.min}` : `${r.maxExclusive ? '<' : '≤'} ${r.max}`;
  return (value) => {
    const n = finite(flag, value);
    const below = r.min !== undefined && (r.minExclusive ? n <= r.min : n < r.min);
    const above = r.max !== undefined && (r.maxExclusive ? n >= r.max : n > r.max);
    if (below || above) throw new ArgumentError(`${flag} must be ${rule}, got ${n}`);
    return n;
  };
}

/** A number > 0 (learning rate). */
export function positiveNumber(flag: string): ArgParser<number> {
  return numberIn(flag, { min: 0, minExclusive: true });
}

/** A number ≥ 0 (weight decay, warm-up epochs, clipping norm). */
export function nonNegativeNumber(flag: string): ArgParser<number> {
  return numberIn(flag, { min: 0 });
}

/** One of a fixed set of words (dataset, stem, peers). */
export function oneOf<T extends string>(flag: string, values: readonly T[]): ArgParser<T> {
  return (value) => {
    if (!(values as readonly string[]).includes(value)) throw new ArgumentError(`${flag} must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  };
}

/** A comma-separated list of integers ≥ min (depths). */
export function intList(flag: string, min = 0): ArgParser<number[]> {
  return (value) => value.split(',').map((item) => {
    try {
      return int(flag, item, min);
    } catch {
      throw new ArgumentError(`${flag} must be a comma-separated list of integers ≥ ${min}, got ${JSON.stringify(value)}`);
    }
  });
}

/**
 * A comma-separated list of words from `values` (peers, blocks); with `none`, the word 'none' is
 * the empty list.
 */
export function listOf<T extends string>(flag: string, values: readonly T[], opts: { none?: boolean } = {}): ArgParser<T[]> {
  const accepted = `${values.join(', ')}${opts.none ? ' (or none)' : ''}`;
  return (value) => {
    if (opts.none && value.trim() === 'none') return [];
    const items = value.split(',').map((v) => v.trim());
    const bad = items.find((v) => !(values as readonly string[]).includes(v));
    if (bad !== undefined) throw new ArgumentError(`${flag} takes a comma-separated list of ${accepted}; got ${JSON.stringify(bad)}`);
    return items as T[];
  };
}

/** A positive integer or one word (`--batch 8` or `--batch dynamic`). */
export function positiveIntOr<W extends string>(flag: string, word: W): ArgParser<number | W> {
  return (value) => {
    if (value.trim() === word) return word;
    const v = value.trim();
    const n = v === '' ? NaN : Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new ArgumentError(`${flag} must be a positive integer or ${word}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** An image size `S` (square) or `HxW`, each a positive integer. */
export function imageSize(flag: string): ArgParser<[number, number]> {
  return (value) => {
    const m = /^\s*(\d+)\s*(?:[x×]\s*(\d+)\s*)?$/.exec(value);
    const h = m ? Number(m[1]) : NaN;
    const w = m ? Number(m[2] ?? m[1]) : NaN;
    if (!(h >= 1 && w >= 1 && Number.isSafeInteger(h) && Number.isSafeInteger(w))) {
      throw new ArgumentError(`${flag} must be a size S or HxW of positive integers, got ${JSON.stringify(value)}`);
    }
    return [h, w];
  };
}
