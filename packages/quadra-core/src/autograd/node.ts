/**
 * One recorded op on the tape. It holds the inputs it differentiates with respect to and the
 * tensors it saved for its backward; `release()` drops both as soon as the backward has run.
 */
import { DisposedError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';

export type BackwardFn = (grads: (Tensor | null)[]) => (Tensor | null)[];

export class Node {
  readonly op: string;
  inputs: (Tensor | null)[];
  readonly outputShapes: number[][];
  private saved: Tensor[];
  private fn: BackwardFn | null;

  constructor(op: string, inputs: (Tensor | null)[], outputShapes: number[][], saved: Tensor[], fn: BackwardFn) {
    this.op = op;
    this.inputs = inputs;
    this.outputShapes = outputShapes;
    this.saved = saved;
    this.fn = fn;
    for (const t of saved) {
      t.storage.retain();
      t.pin(1);
    }
  }

  get released(): boolean {
    return this.fn === null;
  }

  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    if (!this.fn) {
      throw new DisposedError(`backward through '${this.op}' a second time: its saved tensors were released after the first backward (pass {retainGraph: true} to keep them)`);
    }
    return this.fn(grads);
  }

  /** Frees the saved tensors and unlinks the inputs. */
  release(): void {
    for (const t of this.saved) {
      t.pin(-1);
      t.storage.release();
    }
    this.saved = [];
    this.fn = null;
    this.inputs = [];
  }
}

/**
 * Records an op when grad mode is on and an input needs a gradient. Marks the outputs as
 * produced by the node. `saved` tensors are retained until the backward has used them.
 */
export function record(op: string, inputs: (Tensor | null)[], outputs: Tensor[], saved: Tensor[], fn: BackwardFn): boolean {
  if (!isGradEnabled() || !inputs.some((t) => t?.requiresGrad)) return false;
  const node = new Node(op, inputs, outputs.map((o) => [...o.shape]), saved, fn);
  outputs.forEach((o, i) => o.setGradFn(node, i));
  return true;
}
