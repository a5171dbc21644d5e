/**
 * Deterministic memory release. `scope(fn)` disposes every tensor created while `fn` runs, except
 * the tensors it returns and those passed to `keep()`. Scopes nest.
 */
import type { Tensor } from './tensor.js';

const stack: Set<Tensor>[] = [];

/** Called by the Tensor constructor. */
export function track(t: Tensor): void {
  const top = stack[stack.length - 1];
  if (top) top.add(t);
}

/** Exempts tensors from the enclosing scopes' cleanup (parameters, gradients, optimizer state). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of stack) s.delete(t);
  return t;
}

/**
 * Runs `fn` outside every scope: the tensors it creates belong to no scope (long-lived values such
 * as Module.cached() ones); `fn` disposes its own temporaries.
 */
export function unscoped<T>(fn: () => T): T {
  const saved = stack.splice(0, stack.length);
  try {
    return fn();
  } finally {
    stack.push(...saved);
  }
}

function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if ((value as { isTensor?: boolean }).isTensor === true) {
    out.add(value as Tensor);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, depth + 1);
}

/**
 * Runs `fn` and disposes the tensors it created, keeping what it returns (a tensor, or arrays,
 * maps and plain objects holding tensors). Returned tensors move to the enclosing scope.
 *
 * @example
 * const loss = scope(() => crossEntropy(model.forward(x), labels)); // activations freed here
 */
export function scope<T>(fn: () => T): T {
  const mine = new Set<Tensor>();
  stack.push(mine);
  let result: T;
  try {
    result = fn();
  } finally {
    stack.pop();
  }
  const kept = new Set<Tensor>();
  collect(result, kept);
  for (const t of mine) if (!kept.has(t)) t.dispose();
  const parent = stack[stack.length - 1];
  if (parent) for (const t of kept) if (mine.has(t)) parent.add(t);
  return result;
}
