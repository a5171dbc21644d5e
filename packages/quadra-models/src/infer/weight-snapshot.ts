/**
 * A host copy of a cpu model's parameters in one SharedArrayBuffer: what predictAsync sends its
 * worker (shared, not copied again: each snapshot gets a new buffer and is never written after, so
 * the worker reads it while the caller goes on), and what it compares the model with to see whether
 * the weights changed since (a memcmp per parameter on the calling thread: 17–30 ms for the 94 MB
 * of quadranet36_t on the 2-core dev VM; taking a snapshot is a copy into fresh memory, ~0.4 s there).
 */
import { DeviceError, DTypeError, type nn } from '@quadranet/core';

/** The weights as the worker receives them: names and shapes, and all values in one buffer. */
export interface WeightsMessage {
  kind: 'weights';
  names: string[];
  shapes: number[][];
  /** Element offset of each parameter in `data`. */
  offsets: number[];
  data: Float32Array<SharedArrayBuffer>;
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

const bytesOf = (a: Float32Array<ArrayBufferLike>) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export class WeightSnapshot {
  private names: string[] = [];
  private shapes: number[][] = [];
  private offsets: number[] = [];
  private data: Float32Array<SharedArrayBuffer> | null = null;

  /** `fn` names the caller in errors. Copies the model's current weights into a new snapshot, and returns it as the worker's message (shared, not copied). */
  take(fn: string, model: nn.Module): WeightsMessage {
    const params = cpuParameters(fn, model);
    const names = params.map(([n]) => n);
    const shapes = params.map(([, , s]) => [...s]);
    const offsets: number[] = [];
    let total = 0;
    for (const [, d] of params) {
      offsets.push(total);
      total += d.length;
    }
    const data = new Float32Array(new SharedArrayBuffer(total * 4));
    params.forEach(([, d], i) => data.set(d, offsets[i]));
    Object.assign(this, { names, shapes, offsets, data });
    return { kind: 'weights', names: [...names], shapes: shapes.map((s) => [...s]), offsets: [...offsets], data };
  }

  /** True when the model's parameters (their names, shapes or any bit of their values) differ from the snapshot (always after release()). */
  differs(fn: string, model: nn.Module): boolean {
    const params = cpuParameters(fn, model);
    const data = this.data;
    if (!data || params.length !== this.names.length) return true;
    return params.some(([name, d, shape], i) => {
      if (name !== this.names[i] || shape.length !== this.shapes[i].length || shape.some((v, j) => v !== this.shapes[i][j])) return true;
      return !bytesOf(d).equals(bytesOf(data.subarray(this.offsets[i], this.offsets[i] + d.length)));
    });
  }

  /** Lets go of the copy (a predictor that does not follow the weights needs it only to send it once). */
  release(): void {
    this.data = null;
  }
}
