/**
 * Module: named parameters found from the object's own fields (Parameter, Module, arrays of
 * modules), nested names joined by '.', train/eval mode, and state dicts by name.
 */
import { QuadraError } from '../errors.js';
import type { DType, FArray } from '../dtype.js';
import { noGrad } from '../autograd/grad-mode.js';
import { DEVICES, type Device } from '../device.js';
import { Tensor, zeroed } from '../tensor.js';
import { fmt } from '../shape.js';
import { copyTensor, moveTo, writeHost } from '../transfer.js';
import { keep, unscoped } from '../scope.js';
import { callForward } from './module-path.js';
import { Parameter } from './parameter.js';

/** The first few items of a long list and how many more (the error's fields keep them all). */
function firstOf(items: readonly string[], sep: string, n = 4): string {
  return items.length <= n ? items.join(sep) : `${items.slice(0, n).join(sep)}${sep}… (${items.length - n} more)`;
}

/** A loadStateDict() whose keys or shapes did not match; the message lists the first few of each kind. */
export class StateDictError extends QuadraError {
  readonly missing: string[];
  readonly unexpected: string[];
  readonly mismatched: string[];
  /** `context` starts the message (default `loadStateDict`; a caller may name the file and the model). */
  constructor(report: LoadReport, context = 'loadStateDict') {
    const parts = [
      report.missing.length ? `missing keys: ${firstOf(report.missing, ', ')}` : '',
      report.unexpected.length ? `unexpected keys: ${firstOf(report.unexpected, ', ')}` : '',
      report.mismatched.length ? `shape mismatches: ${firstOf(report.mismatched, '; ')}` : '',
    ].filter(Boolean);
    super('QUADRA_STATE_DICT', `${context}: ${parts.join('; ')}`);
    this.missing = report.missing;
    this.unexpected = report.unexpected;
    this.mismatched = report.mismatched;
  }
}

export interface LoadReport {
  missing: string[];
  unexpected: string[];
  /** "name: expected [..], got [..]" */
  mismatched: string[];
}

/** Anything with a shape and float data: a Tensor or a raw record from io. */
export interface StateValue {
  shape: readonly number[];
  data: FArray | (() => FArray);
}

function valueData(v: StateValue | Tensor): FArray {
  if (v instanceof Tensor) return v.dataSync();
  const d = (v as StateValue).data;
  return typeof d === 'function' ? d.call(v) : d;
}

/** `v` on `device` as a new Parameter (its gradient too), or null when it is already there. */
function moved(v: Parameter, device: Device): Parameter | null {
  if (v.device === device) return null;
  return noGrad(() => {
    const p = new Parameter(v.to(device));
    if (v.grad) {
      p.grad = keep(v.grad.to(device));
      v.grad.dispose();
      v.grad = null;
    }
    v.dispose();
    return p;
  });
}

/** `v` converted to `dtype` (on its device) as a new Parameter, or null when it already has it. */
function converted(v: Parameter, dtype: DType): Parameter | null {
  if (v.dtype === dtype) return null;
  const t = zeroed(v.shape, dtype, 'cpu');
  t.data().set(v.dataSync());
  const device = v.device;
  v.dispose();
  return new Parameter(moveTo(t, device));
}

interface CacheEntry {
  sources: readonly (Tensor | null | undefined)[];
  versions: number[];
  value: { dispose(): void };
}

export abstract class Module {
  /** Training mode (dropout, drop path, batch statistics); backing field of `training`, not enumerable. */
  private declare mode: boolean;

  /**
   * Training or eval mode of this module alone (train()/eval() set it on the whole tree). Changing
   * it frees the module's cached() values: they are inference state (packed weights).
   */
  get training(): boolean {
    return this.mode ?? true;
  }

  set training(v: boolean) {
    if (v !== this.training) this.releaseCaches();
    Object.defineProperty(this, 'mode', { value: v, writable: true, configurable: true, enumerable: false });
  }
  /** Values derived from tensors, by name (see cached()); created on first use, not enumerable. */
  private declare derived?: Map<string, CacheEntry>;

  constructor() {
    // Every forward runs through callForward, which keeps the module on a call stack so an error
    // thrown inside names the module's path (module-path.ts). Non-enumerable: not a child or parameter.
    const fwd = this.forward as (...args: Tensor[]) => Tensor;
    Object.defineProperty(this, 'forward', {
      value: (...args: Tensor[]) => callForward(this, fwd, args), writable: true, configurable: true, enumerable: false,
    });
  }

  /** Direct children by field name (arrays of modules become name.i). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((m, i) => m instanceof Module && out.push([`${k}.${i}`, m]));
    }
    return out;
  }

  /** This module's own parameters by field name. */
  ownParameters(): [string, Parameter][] {
    return Object.entries(this).filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  *namedParameters(prefix = ''): Generator<[string, Parameter]> {
    for (const [k, p] of this.ownParameters()) yield [prefix + k, p];
    for (const [k, m] of this.namedChildren()) yield* m.namedParameters(`${prefix}${k}.`);
  }

  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix.replace(/\.$/, ''), this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(`${prefix}${k}.`);
  }

  /** Number of parameter elements. */
  numParameters(): number {
    return this.parameters().reduce((a, p) => a + p.size, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /**
   * A value derived from tensors (weights packed or folded for inference), kept on this module
   * and rebuilt when any source is replaced or written since (Tensor.version: data() views,
   * copies, loadStateDict, optimizer steps). Released by train(mode) when the mode changes, by
   * releaseCaches() and by dispose(). build() runs outside every scope() (its tensors live on)
   * and disposes its own temporaries; the value's dispose() must free only what build() made.
   *
   * @example
   * const p = this.cached('fc', [this.fc.weight], () => packLinear(this.fc.weight));
   */
  cached<T extends { dispose(): void }>(name: string, sources: readonly (Tensor | null | undefined)[], build: () => T): T {
    if (!this.derived) Object.defineProperty(this, 'derived', { value: new Map<string, CacheEntry>(), enumerable: false });
    const e = this.derived!.get(name);
    const fresh = e && e.sources.length === sources.length && e.sources.every((s, i) => s === sources[i] && (s?.version ?? 0) === e.versions[i]);
    if (fresh) return e.value as T;
    e?.value.dispose();
    this.derived!.delete(name);
    const value = unscoped(build);
    this.derived!.set(name, { sources: [...sources], versions: sources.map((s) => s?.version ?? 0), value });
    return value;
  }

  /** Frees this module's cached() values (not its children's). */
  releaseCaches(): void {
    if (!this.derived) return;
    for (const e of this.derived.values()) e.value.dispose();
    this.derived.clear();
  }

  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Parameters by dotted name (the tensors themselves, no copy). */
  stateDict(): Map<string, Tensor> {
    return new Map(this.namedParameters());
  }

  /**
   * Copies values into the parameters by name. With `strict` (the default) any missing,
   * unexpected or mis-shaped key throws a StateDictError naming every one; otherwise the
   * matching keys load and the report lists the rest.
   */
  loadStateDict(dict: Map<string, StateValue | Tensor> | Record<string, StateValue | Tensor>, opts: { strict?: boolean } = {}): LoadReport {
    const entries = dict instanceof Map ? dict : new Map(Object.entries(dict));
    const own = this.stateDict();
    const report: LoadReport = { missing: [], unexpected: [], mismatched: [] };
    for (const k of own.keys()) if (!entries.has(k)) report.missing.push(k);
    for (const [k, v] of entries) {
      const p = own.get(k);
      if (!p) report.unexpected.push(k);
      else if (fmt(v.shape) !== fmt(p.shape)) report.mismatched.push(`${k}: expected ${fmt(p.shape)}, got ${fmt(v.shape)}`);
    }
    const strict = opts.strict ?? true;
    const bad = report.missing.length + report.unexpected.length + report.mismatched.length;
    if (strict && bad > 0) throw new StateDictError(report);
    for (const [k, v] of entries) {
      const p = own.get(k);
      if (!p || fmt(v.shape) !== fmt(p.shape)) continue;
      if (v instanceof Tensor && v.device === p.device && v.dtype === p.dtype) copyTensor(v, p);
      else writeHost(p, valueData(v));
    }
    return report;
  }

  /**
   * Moves every parameter to a device (`'cuda'`, `'cpu'`) or converts it to a dtype, in place:
   * new storage and new Parameter objects under the same names, so build optimizers afterwards.
   * Gradients move with their parameters. float64 runs on the reference backend: it exists for
   * finite-difference checks of whole blocks.
   *
   * @example
   * const model = createModel('quadranet36_t').to('cuda');
   */
  to(target: DType | Device): this {
    const toDevice = (DEVICES as readonly string[]).includes(target);
    for (const [, m] of this.namedModules()) {
      for (const [key, v] of Object.entries(m)) {
        if (!(v instanceof Parameter)) continue;
        const next = toDevice ? moved(v, target as Device) : converted(v, target as DType);
        if (next) (m as unknown as Record<string, unknown>)[key] = next;
      }
    }
    return this;
  }

  /** Frees every parameter (and gradient) and every module's cached() values. */
  dispose(): void {
    for (const [, m] of this.namedModules()) m.releaseCaches();
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
      p.dispose();
    }
  }

  /**
   * Key hyper-parameters, PyTorch's extra_repr (e.g. `dim=64, k=7`): shown by toString() and in
   * error messages beside the module's path (override in subclasses; '' by default).
   */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch-style nested description: `Name(extra)` for a leaf, children indented by name, and
   * runs of identical consecutive children folded as `(1-26): 26 x QuadraBlock(...)`.
   */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    const children = this.namedChildren();
    if (children.length === 0) return `${head})`;
    const lines: string[] = [];
    for (let i = 0; i < children.length; ) {
      const repr = children[i][1].toString();
      let j = i + 1;
      while (j < children.length && children[j][1].toString() === repr) j++;
      const name = j - i > 1 ? `(${children[i][0]}-${children[j - 1][0]}): ${j - i} x ` : `(${children[i][0]}): `;
      lines.push(indent(name + repr));
      i = j;
    }
    return `${head}\n${lines.join('\n')}\n)`;
  }

  abstract forward(...args: Tensor[]): Tensor;
}

const indent = (s: string) => s.split('\n').map((l) => `  ${l}`).join('\n');
