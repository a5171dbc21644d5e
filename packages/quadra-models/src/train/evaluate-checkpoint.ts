/** Test-set accuracy of a checkpoint written by train(), on the data set its configuration names. */
import { requireDevice, type Device } from '@quadranet/core';
import { BatchLoader } from '../data/loader.js';
import { loadCheckpointModel } from '../infer/checkpoint-model.js';
import { checkConfig, type TrainConfig } from './config.js';
import { evaluate, loadDataset } from './trainer.js';

export interface EvaluateCheckpointOptions {
  /** IDX folder to read instead of the one recorded in the checkpoint. */
  dataDir?: string;
  /** Where the model runs (default cpu). */
  device?: Device;
  /** Called once before the first batch (images 0) and after each batch with the images evaluated so far. */
  onProgress?(images: number, total: number): void;
}

export interface CheckpointEvaluation {
  /** The checkpoint's configuration, with the data folder that was read. */
  config: TrainConfig;
  /** Epochs the checkpoint was trained for. */
  epoch: number;
  acc: number;
  loss: number;
  /** Test images evaluated. */
  images: number;
}

export async function evaluateCheckpoint(file: string, opts: EvaluateCheckpointOptions = {}): Promise<CheckpointEvaluation> {
  const device = opts.device ?? 'cpu';
  requireDevice(device); // fail before the checkpoint or any data is read
  // The model is rebuilt from the spec the checkpoint carries (older ones: from its configuration).
  const { model, state } = loadCheckpointModel(file, device);
  try {
    const config = checkConfig({ ...state.config, dataDir: opts.dataDir ?? state.config.dataDir });
    const data = loadDataset(config);
    const loader = new BatchLoader(data.test, { mean: data.mean, std: data.std }, 0);
    try {
      opts.onProgress?.(0, data.test.n);
      const { acc, loss } = await evaluate(model, loader, data.test.n, 500, [data.test.h, data.test.w, data.test.c], opts.onProgress);
      return { config, epoch: state.epoch, acc, loss, images: data.test.n };
    } finally {
      await loader.close();
    }
  } finally {
    model.dispose();
  }
}
