/** A training checkpoint's model, rebuilt from the spec it carries and loaded with its weights. */
import type { Device } from '@quadranet/core';
import type { QuadraNet } from '../model/quadranet.js';
import { CheckpointError, loadCheckpoint, readCheckpointState, type TrainState } from '../train/checkpoint.js';
import { checkConfig, type TrainConfig } from '../train/config.js';
import { modelFromSpec, specFromConfig, type ModelSpec } from '../train/model-spec.js';

export interface CheckpointModel {
  model: QuadraNet;
  spec: ModelSpec;
  state: TrainState<TrainConfig>;
}

/** The checkpoint's model spec (derived from its training configuration for older checkpoints). */
export function readModelSpec(file: string): { spec: ModelSpec; state: TrainState<TrainConfig> } {
  const { state } = readCheckpointState<TrainConfig>(file);
  const spec = state.model ?? specFromConfig(checkConfig(state.config));
  const a = spec.architecture;
  const ok = a && Array.isArray(spec.input) && spec.input.length === 3 && Array.isArray(spec.normalize?.mean) && Array.isArray(spec.normalize?.std)
    && spec.normalize.mean.length === spec.input[2] && spec.normalize.std.length === spec.input[2] && a.inChannels === spec.input[2];
  if (!ok) throw new CheckpointError(`${file}: the model spec lacks an architecture, input [H, W, C] or a mean and std per channel`);
  return { spec, state };
}

/** The trained model in eval mode on `device` (default cpu); `weights` 'ema' loads the run's weight EMA instead of its raw weights. */
export function loadCheckpointModel(file: string, device: Device = 'cpu', weights: 'model' | 'ema' = 'model'): CheckpointModel {
  const { spec, state } = readModelSpec(file);
  let model: QuadraNet;
  try {
    model = modelFromSpec(spec);
  } catch (err) {
    throw new CheckpointError(`${file}: the model spec does not build: ${(err as Error).message}`);
  }
  try {
    loadCheckpoint(file, model, null, { weights });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model: model.to(device).eval(), spec, state };
}
