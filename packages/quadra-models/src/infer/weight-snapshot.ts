/**
 * A host copy of a cpu model's parameters in one buffer: what predictAsync sends its worker, and
 * what it compares the model with to see whether the weights changed since (one memcmp per
 * parameter, on the calling thread: memory-bandwidth bound, ~10 ms per 100 MB of weights).
 */
import { DeviceError, DTypeError, type nn } from '@quadranet/core';

/** The weights as the worker receives them: names and shapes, and all values in one buffer. */
export interface WeightsMessage {
  kind: 'weights';
  names: string[];
  shapes: number[][];
  /** Element offset of each parameter in `data`. */
  offsets: number[];
  data: Float32Array;
}

/** The parameters of a model that predictAsync can run: float32 and on the cpu (a named error otherwise). */
function cpuParameters(fn: string, model: nn.Module): [string, Float32Array, readonly number[]][] {
  const out: [string, Float32Array, readonly number[]][] = [];
  for (const [name, p] of model.namedParameters()) {
    if (p.device !== 'cpu') throw new DeviceError(`${fn}: model parameter '${name}' is on ${p.device}; predictAsync runs cpu models (use predict() on ${p.device})`);
    const d = p.data();
    if (!(d instanceof Float32Array)) throw new DTypeError(`${fn}: model parameter '${name}' is ${p.dtype}; predictAsync runs float32 models`);
    out.push([name, d, p.shape]);
  }
  return out;
}

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export class WeightSnapshot {
  private names: string[] = [];
  private shapes: number[][] = [];
  private offsets: number[] = [];
  private data = new Float32Array(0);

  constructor(private readonly fn: string, model: nn.Module) {
    this.take(model);
  }

  /** Copies the model's current weights into the snapshot. */
  take(model: nn.Module): void {
    const params = cpuParameters(this.fn, model);
    this.names = params.map(([n]) => n);
    this.shapes = params.map(([, , s]) => [...s]);
    this.offsets = [];
    let total = 0;
    for (const [, d] of params) {
      this.offsets.push(total);
      total += d.length;
    }
    this.data = new Float32Array(total);
    params.forEach(([, d], i) => this.data.set(d, this.offsets[i]));
  }

  /** True when the model's parameters (their names, shapes or any bit of their values) differ from the snapshot. */
  differs(model: nn.Module): boolean {
    const params = cpuParameters(this.fn, model);
    if (params.length !== this.names.length) return true;
    return params.some(([name, d, shape], i) => {
      if (name !== this.names[i] || shape.length !== this.shapes[i].length || shape.some((v, j) => v !== this.shapes[i][j])) return true;
      return !bytesOf(d).equals(bytesOf(this.data.subarray(this.offsets[i], this.offsets[i] + d.length)));
    });
  }

  /** The snapshot as a message whose buffer (a copy) can be transferred to the worker. */
  message(): WeightsMessage {
    return { kind: 'weights', names: [...this.names], shapes: this.shapes.map((s) => [...s]), offsets: [...this.offsets], data: this.data.slice() };
  }
}
