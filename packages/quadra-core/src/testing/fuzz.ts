/** Fuzz helpers for the file-format tests: run counts and tallies (shared with lib, from @quadranet/lib/testing) and JSON document edits. */
export { fuzzParams, FuzzTally } from '@quadranet/lib/testing';

/**
 * An edit of a JSON document for fuzzing file formats: `at` walks down from the root (each index
 * picks a child, modulo the children; the walk stops at a leaf), then the value found there is
 * replaced, deleted (a key removed, an array item spliced out), or, when a number, nudged
 * (n = 0: `-x`; |n| ≤ 8: `x + n`; beyond: `x` times 2^(n ∓ 8)).
 */
export type JsonEdit = { at: number[]; set: unknown } | { at: number[]; del: true } | { at: number[]; nudge: number };

/** A copy of `doc` with the edits applied in order. */
export function applyJsonEdits(doc: unknown, edits: readonly JsonEdit[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const e of edits) {
    let parent: Record<string, unknown> | unknown[] | null = null;
    let key: string | number = '';
    let node = root;
    for (const i of e.at) {
      if (node === null || typeof node !== 'object') break;
      const keys: (string | number)[] = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node as Record<string, unknown> | unknown[];
      key = keys[i % keys.length];
      node = (parent as Record<string | number, unknown>)[key];
    }
    let value: unknown;
    if ('set' in e) value = structuredClone(e.set); // a copy: later edits must not write into the input (fast-check reuses it)
    else if ('nudge' in e) {
      if (typeof node !== 'number') continue;
      const n = e.nudge;
      value = n === 0 ? -node : n > 8 ? node * 2 ** (n - 8) : n < -8 ? node * 2 ** (n + 8) : node + n;
    }
    if (parent === null) {
      if (!('del' in e)) root = value;
      continue;
    }
    if ('del' in e) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key as string];
    } else (parent as Record<string | number, unknown>)[key] = value;
  }
  return root;
}
