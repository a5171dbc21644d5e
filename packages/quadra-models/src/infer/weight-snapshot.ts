/**
 * A host copy of a cpu model's parameters in one SharedArrayBuffer: what predictAsync sends its
 * worker (shared, not copied again: each snapshot gets a new buffer and is never written after, so
 * the worker reads it while the caller goes on). Whether the weights changed since is read from
 * each parameter's identity and Tensor.version (every write through core counts: data() views,
 * loadStateDict, optimizer steps), a few microseconds for any model; taking a snapshot is a copy
 * into fresh memory (~0.4 s for the 94 MB of quadranet36_t on the 2-core dev VM).
 */
import { DeviceError, DTypeError, type nn, type Tensor } from '@quadranet/core';

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
function cpuParameters(fn: string, model: nn.Module): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  for (const [name, p] of model.namedParameters()) {
    if (p.device !== 'cpu') throw new DeviceError(`${fn}: model parameter '${name}' is on ${p.device}; predictAsync runs cpu models (use predict() on ${p.device})`);
    if (p.dtype !== 'float32') throw new DTypeError(`${fn}: model parameter '${name}' is ${p.dtype}; predictAsync runs float32 models`);
    out.push([name, p]);
  }
  return out;
}

export class WeightSnapshot {
  private names: string[] = [];
  private shapes: number[][] = [];
  private offsets: number[] = [];
  /** The parameters and their versions when the snapshot was taken. */
  private sources: Tensor[] = [];
  private versions: number[] = [];
  private data: Float32Array<SharedArrayBuffer> | null = null;

  /** `fn` names the caller in errors. Copies the model's current weights into a new snapshot, and returns it as the worker's message (shared, not copied). */
  take(fn: string, model: nn.Module): WeightsMessage {
    const params = cpuParameters(fn, model);
    const names = params.map(([n]) => n);
    const shapes = params.map(([, p]) => [...p.shape]);
    const offsets: number[] = [];
    let total = 0;
    for (const [, p] of params) {
      offsets.push(total);
      total += p.size;
    }
    const data = new Float32Array(new SharedArrayBuffer(total * 4));
    // dataSync() reads without counting a write (data() would bump the versions compared below).
    params.forEach(([, p], i) => data.set(p.dataSync(), offsets[i]));
    const sources = params.map(([, p]) => p);
    Object.assign(this, { names, shapes, offsets, data, sources, versions: sources.map((p) => p.version) });
    return { kind: 'weights', names: [...names], shapes: shapes.map((s) => [...s]), offsets: [...offsets], data };
  }

  /**
   * True when the model's parameters may differ from the snapshot (always after release()): a
   * parameter renamed, replaced by another tensor, or written through core since (its version).
   */
  differs(fn: string, model: nn.Module): boolean {
    const params = cpuParameters(fn, model);
    if (!this.data || params.length !== this.names.length) return true;
    return params.some(([name, p], i) => name !== this.names[i] || p !== this.sources[i] || p.version !== this.versions[i]);
  }

  /** Lets go of the copy (a predictor that does not follow the weights needs it only to send it once). */
  release(): void {
    this.data = null;
    this.sources = [];
  }
}
