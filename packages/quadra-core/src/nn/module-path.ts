/**
 * Errors in the user's terms: while a module's forward runs it sits on a call stack, so an error
 * thrown inside it (a shape check at the top of a block, or an op deeper down) can name the module
 * by its path in the model, e.g. `stages.0.1 (QuadraBlock, dim 64): input has 32 channels; ...`.
 * The path is the state-dict prefix: each module's name in the nearest caller that lists it as a
 * child. Cost per module call: a push, a pop and a try block; the path is only built on error.
 */
import { ArgumentError, DeviceError, DisposedError, DTypeError, ShapeError, type QuadraError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Module } from './module.js';

const calls: Module[] = [];
/**
 * Errors about what the module was given get its path. Errors about the environment (a native
 * module that did not load, no CUDA, a bad QUADRA_* variable) do not: they are not about the
 * module, and some are cached and rethrown, so they must not be changed.
 */
const ABOUT_INPUTS = [ArgumentError, ShapeError, DTypeError, DeviceError, DisposedError];
const ANNOTATED = Symbol('quadra.modulePath');

/** Runs `fwd` as `m`'s forward with `m` on the call stack; a QuadraError from inside gets its path. */
export function callForward(m: Module, fwd: (...args: Tensor[]) => Tensor, args: Tensor[]): Tensor {
  calls.push(m);
  try {
    return fwd.apply(m, args);
  } catch (err) {
    if (ABOUT_INPUTS.some((t) => err instanceof t) && !(ANNOTATED in (err as object))) annotate(err as QuadraError, describeModule(m, pathOf(calls.length - 1)));
    throw err;
  } finally {
    calls.pop();
  }
}

/** The dotted path of calls[i] below the outermost running module ('' for that one). */
function pathOf(i: number): string {
  if (i <= 0) return '';
  const m = calls[i];
  for (let j = i - 1; j >= 0; j--) {
    const hit = calls[j].namedChildren().find(([, c]) => c === m);
    if (hit) {
      const parent = pathOf(j);
      return parent ? `${parent}.${hit[0]}` : hit[0];
    }
  }
  // Called by a module that does not list it as a child (a helper such as Mlp): its caller's path.
  return pathOf(i - 1);
}

/** `stages.0.1 (QuadraBlock, dim 64)`, or `QuadraBlock (dim 64)` for the outermost module. */
export function describeModule(m: Module, path: string): string {
  const extra = m.extraRepr();
  const what = m.constructor.name;
  if (!path) return extra ? `${what} (${extra})` : what;
  return `${path} (${what}${extra ? `, ${extra}` : ''})`;
}

/** Prefixes the message (and the stack's first line) with the module; marks it so outer modules leave it. */
function annotate(err: QuadraError, where: string): void {
  const before = err.message;
  err.message = `${where}: ${before}`;
  if (err.stack) err.stack = err.stack.replace(before, err.message);
  Object.defineProperty(err, ANNOTATED, { value: where, enumerable: false });
}

/** The module path an error was annotated with (undefined when it was not thrown inside a forward). */
export function modulePathOf(err: unknown): string | undefined {
  return err instanceof Error ? (err as unknown as Record<symbol, string | undefined>)[ANNOTATED] : undefined;
}
