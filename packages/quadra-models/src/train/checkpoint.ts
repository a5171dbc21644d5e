/**
 * Checkpoints: one safetensors file with the model's tensors (`model.<name>`), the optimizer's
 * buffers (`optim.<i>.<buffer>`), the weight EMA's tensors when the run keeps one (`ema.<name>`) and, in its metadata, the training state as JSON (epoch, step,
 * scheduler position, RNG state, configuration, history, and the model's spec: architecture, input
 * size, normalisation, class names). Written atomically by writeSafetensors.
 */
import { FileFormatError, QuadraError, fromArray, loadTensors, saveTensors, type GeneratorState, type nn, type optim, type Tensor } from '@quadranet/core';
import type { ModelSpec } from './model-spec.js';

export const CHECKPOINT_FORMAT = 'quadranet-checkpoint/1';

/** A checkpoint that parses as safetensors but does not hold a valid training state. */
export class CheckpointError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_CHECKPOINT', message);
  }
}

export interface TrainState<C = unknown> {
  /** Completed epochs. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  config: C;
  /** State of the default generator (drop path, dropout) after the last completed epoch. */
  rng: GeneratorState;
  optimizer: { step: number; lr: number };
  history: unknown[];
  /** Everything needed to rebuild and run the model (absent in checkpoints from before it was saved). */
  model?: ModelSpec;
  /** The weight EMA's update count, when the checkpoint holds `ema.<name>` tensors. */
  ema?: { updates: number };
  /** Only in a checkpoint written partway through epoch `epoch + 1` (--checkpoint-every): where, and the epoch's sums so far. */
  partial?: PartialEpoch;
}

/** Partway through an epoch: the batches consumed (steps taken, skipped ones included) and the running sums its metrics need. */
export interface PartialEpoch {
  batches: number;
  /** Sum of loss × batch size over the steps that updated the weights. */
  lossSum: number;
  correct: number;
  seen: number;
  skipped: number;
  /** Training seconds spent in the epoch so far. */
  seconds: number;
}

/** Which weights loadCheckpoint puts into the model, and where the EMA's go. */
export interface LoadOptions {
  /** 'ema': load the EMA weights into `model` (a CheckpointError when the checkpoint has none). Default 'model'. */
  weights?: 'model' | 'ema';
  /** Load the EMA weights into this module too (resuming a run with an EMA). */
  ema?: nn.Module | null;
}

/** Writes the checkpoint; `ema`, when given, is saved as `ema.<name>` tensors. */
export function saveCheckpoint<C>(path: string, model: nn.Module, opt: optim.Optimizer, state: TrainState<C>, ema?: nn.Module | null): void {
  const tensors = new Map<string, Tensor>();
  for (const [k, p] of model.stateDict()) tensors.set(`model.${k}`, p);
  if (ema) for (const [k, p] of ema.stateDict()) tensors.set(`ema.${k}`, p);
  const os = opt.stateDict();
  const temps: Tensor[] = [];
  os.buffers.forEach((bufs, i) => {
    for (const [name, data] of Object.entries(bufs)) {
      const t = fromArray(Float32Array.from(data), [data.length]);
      temps.push(t);
      tensors.set(`optim.${i}.${name}`, t);
    }
  });
  try {
    saveTensors(path, tensors, { format: CHECKPOINT_FORMAT, state: JSON.stringify({ ...state, optimizer: { step: os.step, lr: os.lr } }) });
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** Reads only the training state (to rebuild the model from its config before loading weights). */
export function readCheckpointState<C>(path: string): { state: TrainState<C>; tensors: Map<string, Tensor> } {
  const { tensors, metadata } = loadTensors(path);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${path}: not a QuadraNet checkpoint (metadata format '${metadata.format ?? ''}', expected '${CHECKPOINT_FORMAT}')`);
  }
  let state: TrainState<C>;
  try {
    state = JSON.parse(metadata.state ?? '') as TrainState<C>;
  } catch {
    throw new CheckpointError(`${path}: the training state in the metadata is not valid JSON`);
  }
  const bad = badStateField(state);
  if (bad) throw new CheckpointError(`${path}: the training state's ${bad}`);
  return { state, tensors };
}

const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** What is wrong with a parsed training state (the field and what it should be), or null. */
function badStateField(s: unknown): string | null {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return 'JSON is not an object';
  const t = s as Partial<Record<keyof TrainState, unknown>>;
  if (!count(t.epoch)) return 'epoch is missing or not an integer >= 0';
  if (!count(t.step)) return 'step is missing or not an integer >= 0';
  const rng = t.rng as Partial<GeneratorState> | undefined;
  const word = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32;
  if (!rng || typeof rng !== 'object' || !Array.isArray(rng.s) || rng.s.length !== 4 || !rng.s.every(word)) return 'rng is missing or its s is not 4 uint32 words';
  if (rng.spare !== null && typeof rng.spare !== 'number') return 'rng.spare is not a number or null';
  const o = t.optimizer as { step?: unknown; lr?: unknown } | undefined;
  if (!o || typeof o !== 'object' || !count(o.step) || typeof o.lr !== 'number' || !Number.isFinite(o.lr)) return 'optimizer is missing or lacks an integer step >= 0 and a finite lr';
  if (!Array.isArray(t.history)) return 'history is missing or not an array';
  if (t.config === null || typeof t.config !== 'object') return 'config is missing or not an object';
  const e = t.ema as { updates?: unknown } | undefined;
  if (e !== undefined && (e === null || typeof e !== 'object' || !count(e.updates))) return 'ema is not an object with an integer updates >= 0';
  if (t.partial !== undefined) return badPartial(t.partial);
  return null;
}

function badPartial(p: unknown): string | null {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return 'partial is not an object';
  const q = p as Partial<Record<keyof PartialEpoch, unknown>>;
  if (!count(q.batches) || (q.batches as number) < 1) return 'partial.batches is not an integer >= 1';
  for (const k of ['correct', 'seen', 'skipped'] as const) if (!count(q[k])) return `partial.${k} is not an integer >= 0`;
  for (const k of ['lossSum', 'seconds'] as const) if (typeof q[k] !== 'number' || !Number.isFinite(q[k])) return `partial.${k} is not a finite number`;
  return null;
}

/** Loads weights and optimizer buffers from a checkpoint into `model` and `opt`; returns the state. */
export function loadCheckpoint<C>(path: string, model: nn.Module, opt: optim.Optimizer | null, opts: LoadOptions = {}): TrainState<C> {
  const { state, tensors } = readCheckpointState<C>(path);
  try {
    loadInto(path, tensors, state, model, opt, opts);
  } finally {
    // the values were copied into the model and the optimizer (fromArray wraps the file's arrays)
    for (const t of tensors.values()) t.dispose();
  }
  return state;
}

function loadInto(path: string, tensors: Map<string, Tensor>, state: TrainState<unknown>, model: nn.Module, opt: optim.Optimizer | null, opts: LoadOptions): void {
  const weights = new Map<string, Tensor>();
  const averaged = new Map<string, Tensor>();
  const buffers: Record<string, Float32Array>[] = opt ? opt.params.map(() => ({})) : [];
  for (const [k, t] of tensors) {
    if (k.startsWith('model.')) weights.set(k.slice(6), t);
    else if (k.startsWith('ema.')) averaged.set(k.slice(4), t);
    else if (k.startsWith('optim.')) {
      const m = /^optim\.(\d+)\.(\w+)$/.exec(k);
      if (!m) throw new CheckpointError(`${path}: unexpected tensor '${k}'`);
      if (opt) {
        const i = Number(m[1]);
        if (i >= buffers.length) throw new CheckpointError(`${path}: optimizer buffer for parameter ${i}, the model has ${buffers.length}`);
        buffers[i][m[2]] = t.data() as Float32Array;
      }
    } else {
      throw new CheckpointError(`${path}: unexpected tensor '${k}'`);
    }
  }
  const wantEma = opts.weights === 'ema' || !!opts.ema;
  if (wantEma && averaged.size === 0) throw new CheckpointError(`${path}: holds no EMA weights (ema.<name> tensors): the run was trained without --model-ema`);
  try {
    model.loadStateDict(opts.weights === 'ema' ? averaged : weights);
    opts.ema?.loadStateDict(averaged);
    opt?.loadStateDict({ step: state.optimizer.step, lr: state.optimizer.lr, buffers });
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new CheckpointError(`${path}: ${(err as Error).message}`);
  }
}
