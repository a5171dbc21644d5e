/**
 * Option objects of the public API: an unknown key (a misspelling, another library's name for an
 * option) is an ArgumentError naming the key and the accepted ones, never silently ignored.
 */
import { ArgumentError } from './errors.js';
import { checkObject } from './validate.js';

/**
 * The keys of the options type T, listed once and checked by the compiler: a key of T missing
 * from the list (or a name T does not have) is a type error.
 *
 * @example
 * const KEYS = optionKeys<SoftmaxOptions>()('out', 'log');
 */
export function optionKeys<T extends object>() {
  return <const K extends readonly (keyof T & string)[]>(
    ...keys: K & (Exclude<keyof T & string, K[number]> extends never ? unknown : { missing: Exclude<keyof T & string, K[number]> })
  ): readonly string[] => keys;
}

/**
 * Throws an ArgumentError for the first key of `opts` outside `accepted`:
 * "AdamW: unknown option 'learningRate'; accepted options: lr, betas, eps, weightDecay".
 * undefined passes; anything but an object is an ArgumentError naming `name`.
 */
export function checkOptionKeys(where: string, opts: unknown, accepted: readonly string[], name = 'opts'): void {
  if (opts === undefined) return;
  checkObject(`${where}: ${name}`, opts);
  for (const key in opts as object) {
    if (!Object.prototype.hasOwnProperty.call(opts, key) || accepted.includes(key)) continue;
    const hint = closest(key, accepted);
    throw new ArgumentError(
      `${where}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; accepted options: ${accepted.join(', ') || 'none'}`,
    );
  }
}

/** checkObject plus checkOptionKeys: the options object typed, for the kernel functions' `opts`. */
export function checkOptions<T extends object>(where: string, name: string, opts: unknown, accepted: readonly string[]): T {
  const o = checkObject<T>(name, opts);
  checkOptionKeys(where, o, accepted, name);
  return o;
}

/** The accepted key a misspelt one most likely meant (case-insensitive match or edit distance ≤ 2). */
function closest(key: string, accepted: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestD = 3;
  for (const a of accepted) {
    if (a.toLowerCase() === lower) return a;
    const d = editDistance(lower, a.toLowerCase());
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
