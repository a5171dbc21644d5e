/** Argument checks and helpers shared by the op files. */
import { DTypeError, DeviceError, ArgumentError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';

export function checkTensor(name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  return t;
}

/** All tensors on one device with one dtype. */
export function checkSame(op: string, named: Record<string, Tensor | null | undefined>): void {
  let first: [string, Tensor] | null = null;
  for (const name in named) {
    const t = named[name];
    if (!t) continue;
    if (!(t instanceof Tensor)) checkTensor(`${op}: ${name}`, t); // the message is built only on failure
    if (!first) {
      first = [name, t];
      continue;
    }
    if (t.device !== first[1].device) {
      throw new DeviceError(`${op}: ${name} is on ${t.device} but ${first[0]} is on ${first[1].device}; move them with .to()`);
    }
    if (t.dtype !== first[1].dtype) throw new DTypeError(`${op}: ${name} is ${t.dtype} but ${first[0]} is ${first[1].dtype}`);
  }
}

export function checkRank(op: string, name: string, t: Tensor, rank: number): void {
  if (t.ndim !== rank) throw new ArgumentError(`${op}: ${name} must have ${rank} dimensions, got shape ${fmt(t.shape)}`);
}

export function checkLastDim(op: string, name: string, t: Tensor, size: number): void {
  if (t.shape[t.ndim - 1] !== size) throw new ArgumentError(`${op}: ${name} last dimension must be ${size}, got shape ${fmt(t.shape)}`);
}

export function checkVector(op: string, name: string, t: Tensor | null | undefined, size: number): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== size)) throw new ArgumentError(`${op}: ${name} must have shape [${size}], got ${fmt(t.shape)}`);
}

/** Leading rows and the last axis of a tensor. */
export function rowsCols(t: Tensor): { rows: number; cols: number } {
  const cols = t.ndim === 0 ? 1 : t.shape[t.ndim - 1];
  return { rows: cols === 0 ? 0 : t.size / cols, cols };
}
