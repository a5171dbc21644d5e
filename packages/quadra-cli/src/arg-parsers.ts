/**
 * Commander argument parsers shared by every command: each knows its flag, so a bad value is an
 * ArgumentError in the user's terms (`--threads must be ≥ 1, got -2`), printed as one line by cli.ts.
 *
 * @example
 * .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 10)
 */
import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ArgumentError } from '@quadranet/core';

export type ArgParser<T> = (value: string) => T;

/** A finite number: rejects '', 'abc', '1e', 'NaN', 'Infinity' (Number('') is 0, so it is not enough). */
function finite(flag: string, value: string): number {
  const v = value.trim();
  const n = v === '' ? NaN : Number(v);
  if (!Number.isFinite(n)) throw new ArgumentError(`${flag} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

function int(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value.trim();
  const n = v === '' ? NaN : Number(v);
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  if (n < min) throw new ArgumentError(`${flag} must be ≥ ${min}, got ${n}`);
  if (n > max) throw new ArgumentError(`${flag} must be ≤ ${max}, got ${n}`);
  return n;
}

/**
 * Upper bounds of the counts and sizes the commands take: far above any real use, low enough that
 * a typo (1e12 epochs, 10000 threads, a 100000-pixel image) is an error naming the flag instead of
 * a run that never ends or an allocation that fails deep inside.
 */
export const LIMITS = {
  epochs: 100_000,
  batchSize: 65_536,
  threads: 4096,
  workers: 256,
  nproc: 256,
  distTimeout: 86_400,
  steps: 10_000_000,
  imageSize: 8192,
  numClasses: 100_000,
  inChannels: 4096,
  width: 8192,
  kernelSize: 63,
  runs: 1_000_000,
} as const;

/** An integer ≥ min (e.g. timed runs ≥ 20), and ≤ max when given. */
export function intAtLeast(flag: string, min: number, max?: number): ArgParser<number> {
  return (value) => int(flag, value, min, max);
}

/** An integer ≥ 1 (epochs, batch size, threads, runs), and ≤ max when given. */
export function positiveInt(flag: string, max?: number): ArgParser<number> {
  return (value) => int(flag, value, 1, max);
}

/** An integer ≥ 0 (seed, limit, workers, warm-up runs), and ≤ max when given. */
export function nonNegativeInt(flag: string, max?: number): ArgParser<number> {
  return (value) => int(flag, value, 0, max);
}

/** An odd integer in [1, max] (a depthwise kernel size). */
export function oddInt(flag: string, max: number): ArgParser<number> {
  return (value) => {
    const n = int(flag, value, 1, max);
    if (n % 2 !== 1) throw new ArgumentError(`${flag} must be odd, got ${n}`);
    return n;
  };
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A file that exists (checkpoint, weights, input, table): an error naming the flag otherwise. */
export function inputFile(flag: string): ArgParser<string> {
  return (value) => {
    const s = statOf(value);
    if (!s) throw new ArgumentError(`${flag} ${value}: no such file`);
    if (!s.isFile()) throw new ArgumentError(`${flag} ${value}: is ${s.isDirectory() ? 'a directory' : 'not a regular file'}, expected a file`);
    return value;
  };
}

/** A folder that exists (data folder). */
export function inputDir(flag: string): ArgParser<string> {
  return (value) => {
    const s = statOf(value);
    if (!s) throw new ArgumentError(`${flag} ${value}: no such directory`);
    if (!s.isDirectory()) throw new ArgumentError(`${flag} ${value}: is a file, expected a directory`);
    return value;
  };
}

/** A file to write: its folder must exist, and it must not be a folder itself. */
export function outputFile(flag: string): ArgParser<string> {
  return (value) => {
    if (value.trim() === '') throw new ArgumentError(`${flag} needs a file name, got ""`);
    if (statOf(value)?.isDirectory()) throw new ArgumentError(`${flag} ${value}: is a directory, expected a file name`);
    const dir = dirname(resolve(value));
    const d = statOf(dir);
    if (!d) throw new ArgumentError(`${flag} ${value}: the directory ${dir} does not exist`);
    if (!d.isDirectory()) throw new ArgumentError(`${flag} ${value}: ${dir} is not a directory`);
    return value;
  };
}

/** A folder to write into (created if missing): an existing file there is an error. */
export function outputDir(flag: string): ArgParser<string> {
  return (value) => {
    if (value.trim() === '') throw new ArgumentError(`${flag} needs a directory name, got ""`);
    let p = resolve(value);
    for (;;) {
      const s = statOf(p);
      if (s && !s.isDirectory()) throw new ArgumentError(`${flag} ${value}: ${p === resolve(value) ? 'is a file' : `${p} is a file`}, expected a directory`);
      if (s || dirname(p) === p) return value;
      p = dirname(p);
    }
  };
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

/** A comma-separated list of integers ≥ min, and ≤ max when given (depths). */
export function intList(flag: string, min = 0, max?: number): ArgParser<number[]> {
  const rule = `integers ≥ ${min}${max !== undefined ? ` and ≤ ${max}` : ''}`;
  return (value) => value.split(',').map((item) => {
    try {
      return int(flag, item, min, max);
    } catch {
      throw new ArgumentError(`${flag} must be a comma-separated list of ${rule}, got ${JSON.stringify(value)}`);
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
export function positiveIntOr<W extends string>(flag: string, word: W, max = Number.MAX_SAFE_INTEGER): ArgParser<number | W> {
  return (value) => {
    if (value.trim() === word) return word;
    const v = value.trim();
    const n = v === '' ? NaN : Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new ArgumentError(`${flag} must be a positive integer or ${word}, got ${JSON.stringify(value)}`);
    if (n > max) throw new ArgumentError(`${flag} must be ≤ ${max}, got ${n}`);
    return n;
  };
}

/** An image size `S` (square) or `HxW`, each a positive integer ≤ LIMITS.imageSize. */
export function imageSize(flag: string): ArgParser<[number, number]> {
  return (value) => {
    const m = /^\s*(\d+)\s*(?:[x×]\s*(\d+)\s*)?$/.exec(value);
    const h = m ? Number(m[1]) : NaN;
    const w = m ? Number(m[2] ?? m[1]) : NaN;
    if (!(h >= 1 && w >= 1 && Number.isSafeInteger(h) && Number.isSafeInteger(w))) {
      throw new ArgumentError(`${flag} must be a size S or HxW of positive integers, got ${JSON.stringify(value)}`);
    }
    if (h > LIMITS.imageSize || w > LIMITS.imageSize) throw new ArgumentError(`${flag} must be at most ${LIMITS.imageSize} pixels a side, got ${h}x${w}`);
    return [h, w];
  };
}
