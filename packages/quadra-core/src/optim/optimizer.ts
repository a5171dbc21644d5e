/** Optimizer base: parameters, per-parameter state buffers, and state dicts for checkpoints. */
import { kernels } from '../backends/dispatch.js';
export { kernels };
import { ArgumentError, DeviceError } from '../errors.js';
import { zeroed, type Tensor } from '../tensor.js';
import { keep } from '../scope.js';
import { writeHost } from '../transfer.js';
import type { Parameter } from '../nn/parameter.js';

export interface OptimizerState {
  step: number;
  lr: number;
  /** Per parameter index, its named buffers as plain arrays. */
  buffers: Record<string, Float32Array | Float64Array>[];
}

/**
 * Parameters that learn at `lrScale` × the optimizer's lr (PyTorch's param groups as timm uses them
 * for layer-wise lr decay: the schedule sets the optimizer's lr, each group scales it).
 */
export interface ParamGroup {
  params: Iterable<Parameter>;
  /** Multiplies the optimizer's lr for these parameters (default 1). */
  lrScale?: number;
}

function isGroup(x: Parameter | ParamGroup): x is ParamGroup {
  return typeof x === 'object' && x !== null && !('shape' in x) && 'params' in x;
}

export abstract class Optimizer {
  /** Every parameter in order (groups flattened); state dicts index buffers by this order. */
  readonly params: Parameter[];
  lr: number;
  stepCount = 0;
  protected buffers: Map<Parameter, Record<string, Tensor>> = new Map();
  private readonly scales = new Map<Parameter, number>();

  /** `params`: parameters, or param groups with their lr scale (a parameter may appear once). */
  constructor(params: Iterable<Parameter | ParamGroup>, lr: number) {
    this.params = [];
    let g = 0;
    for (const item of params) {
      const group = isGroup(item);
      const members = group ? [...item.params] : [item];
      const scale = group ? item.lrScale ?? 1 : 1;
      if (!(Number.isFinite(scale) && scale >= 0)) throw new ArgumentError(`optimizer: param group ${g}'s lrScale must be a finite number >= 0, got ${scale}`);
      for (const p of members) {
        if (this.scales.has(p)) throw new ArgumentError(`optimizer: a parameter [${p.shape.join(', ')}] appears twice${group ? ` (again in param group ${g})` : ''}`);
        this.scales.set(p, scale);
        this.params.push(p);
      }
      if (group) g++;
    }
    if (this.params.length === 0) throw new ArgumentError('optimizer: params must not be empty');
    if (!(lr >= 0)) throw new ArgumentError(`optimizer: lr must be >= 0, got ${lr}`);
    this.lr = lr;
  }

  /** The lr a parameter's update uses: the optimizer's lr times its group's lrScale. */
  lrFor(p: Parameter): number {
    return this.lr * (this.scales.get(p) ?? 1);
  }

  /** A zeroed state buffer shaped like the parameter, created on first use. */
  protected buffer(p: Parameter, name: string): Tensor {
    let b = this.buffers.get(p);
    if (!b) this.buffers.set(p, (b = {}));
    if (!b[name]) b[name] = keep(zeroed(p.shape, p.dtype, p.device));
    return b[name];
  }

  protected hasBuffer(p: Parameter, name: string): boolean {
    return !!this.buffers.get(p)?.[name];
  }

  /** Applies one update to every parameter with a gradient. */
  step(): void {
    this.stepCount++;
    for (const p of this.params) {
      if (!p.grad) continue;
      if (p.grad.device !== p.device) throw new DeviceError(`optimizer.step: a gradient is on ${p.grad.device} but its parameter [${p.shape.join(', ')}] is on ${p.device}`);
      this.update(p, p.grad);
      p.markWritten();
    }
  }

  protected abstract update(p: Parameter, g: Tensor): void;

  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  stateDict(): OptimizerState {
    return {
      step: this.stepCount,
      lr: this.lr,
      buffers: this.params.map((p) => Object.fromEntries(Object.entries(this.buffers.get(p) ?? {}).map(([k, t]) => [k, t.dataSync().slice()]))),
    };
  }

  loadStateDict(s: OptimizerState): void {
    if (!s || !Array.isArray(s.buffers) || s.buffers.length !== this.params.length) {
      throw new ArgumentError(`optimizer.loadStateDict: expected buffers for ${this.params.length} parameters, got ${s?.buffers?.length}`);
    }
    this.stepCount = s.step;
    this.lr = s.lr;
    s.buffers.forEach((bufs, i) => {
      const p = this.params[i];
      for (const [name, data] of Object.entries(bufs)) {
        if (data.length !== p.size) throw new ArgumentError(`optimizer.loadStateDict: buffer '${name}' of parameter ${i} has ${data.length} values, expected ${p.size}`);
        writeHost(this.buffer(p, name), data);
      }
    });
  }

  dispose(): void {
    for (const b of this.buffers.values()) for (const t of Object.values(b)) t.dispose();
    this.buffers.clear();
  }
}

