/** Test-set accuracy of a checkpoint written by train(), on the data set its configuration names. */
import { ArgumentError, requireDevice, type Device } from '@quadranet/core';
import { BatchLoader } from '../data/loader.js';
import { loadCheckpointModel } from '../infer/checkpoint-model.js';
import { checkConfig, type TrainConfig } from './config.js';
import { TTA_MODES, type TtaMode } from './recipe-config.js';
import { evaluate, loadDataset } from './trainer.js';

export interface EvaluateCheckpointOptions {
  /** IDX folder to read instead of the one recorded in the checkpoint. */
  dataDir?: string;
  /** Where the model runs (default cpu). */
  device?: Device;
  /** Evaluate the weight EMA the checkpoint holds (runs trained with --model-ema) instead of the raw weights. */
  ema?: boolean;
  /** Test-time augmentation ('flip': average the logits of each image and its mirror). Default 'none'. */
  tta?: TtaMode;
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
  /** Which weights were evaluated, and with which test-time augmentation. */
  weights: 'model' | 'ema';
  tta: TtaMode;
}

export async function evaluateCheckpoint(file: string, opts: EvaluateCheckpointOptions = {}): Promise<CheckpointEvaluation> {
  const device = opts.device ?? 'cpu';
  requireDevice(device); // fail before the checkpoint or any data is read
  const tta = opts.tta ?? 'none';
  if (!TTA_MODES.includes(tta)) throw new ArgumentError(`--tta must be one of ${TTA_MODES.join(', ')}, got ${tta}`);
  const weights = opts.ema ? 'ema' : 'model';
  // The model is rebuilt from the spec the checkpoint carries (older ones: from its configuration).
  const { model, state, spec } = loadCheckpointModel(file, device, weights);
  try {
    const config = checkConfig({ ...state.config, dataDir: opts.dataDir ?? state.config.dataDir });
    const data = loadDataset(config);
    const [h, w] = spec.input; // the size it was trained at (--image-size)
    const loader = new BatchLoader(data.test, { mean: data.mean, std: data.std }, 0, [h, w]);
    try {
      opts.onProgress?.(0, data.test.n);
      const { acc, loss } = await evaluate(model, loader, data.test.n, 500, [h, w, data.test.c], opts.onProgress, tta);
      return { config, epoch: state.epoch, acc, loss, images: data.test.n, weights, tta };
    } finally {
      await loader.close();
    }
  } finally {
    model.dispose();
  }
}
