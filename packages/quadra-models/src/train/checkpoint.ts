/**
 * Checkpoints: one safetensors file with the model's tensors (`model.<name>`), the optimizer's
 * buffers (`optim.<i>.<buffer>`) and, in its metadata, the training state as JSON (epoch, step,
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
}

export function saveCheckpoint<C>(path: string, model: nn.Module, opt: optim.Optimizer, state: TrainState<C>): void {
  const tensors = new Map<string, Tensor>();
  for (const [k, p] of model.stateDict()) tensors.set(`model.${k}`, p);
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
  const ok = state && Number.isInteger(state.epoch) && Number.isInteger(state.step) && state.rng && Array.isArray(state.rng.s)
    && state.optimizer && typeof state.optimizer.lr === 'number' && Array.isArray(state.history) && typeof state.config === 'object';
  if (!ok) throw new CheckpointError(`${path}: the training state lacks epoch, step, rng, optimizer, history or config`);
  return { state, tensors };
}

/** Loads weights and optimizer buffers from a checkpoint into `model` and `opt`; returns the state. */
export function loadCheckpoint<C>(path: string, model: nn.Module, opt: optim.Optimizer | null): TrainState<C> {
  const { state, tensors } = readCheckpointState<C>(path);
  const weights = new Map<string, Tensor>();
  const buffers: Record<string, Float32Array>[] = opt ? opt.params.map(() => ({})) : [];
  for (const [k, t] of tensors) {
    if (k.startsWith('model.')) weights.set(k.slice(6), t);
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
  try {
    model.loadStateDict(weights);
    opt?.loadStateDict({ step: state.optimizer.step, lr: state.optimizer.lr, buffers });
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new CheckpointError(`${path}: ${(err as Error).message}`);
  }
  return state;
}
