/**
 * `quadra export`: a training checkpoint as a PyTorch state dict (reference names, OIHW /
 * [C, 1, k, k] layouts) plus a JSON of the QuadraNet options beside it, which
 * `quadra infer --model <config.json> --weights <file>` reads back. The input size, normalisation
 * and class names go into the safetensors metadata (`quadranet.preprocess`).
 */
import { saveTensors, writeFileAtomic } from '@quadranet/core';
import { loadCheckpointModel } from '../infer/checkpoint-model.js';
import { architectureOf } from '../train/model-spec.js';
import { toPyTorchStateDict } from './pytorch.js';

export interface ExportResult {
  weights: string;
  config: string;
  params: number;
}

/** `out.safetensors` → `out.config.json` (any other name: `<name>.config.json`). */
export function configPathFor(weights: string): string {
  return `${weights.replace(/\.safetensors$/, '')}.config.json`;
}

export function exportPyTorch(checkpoint: string, weights: string): ExportResult {
  const { model, spec } = loadCheckpointModel(checkpoint);
  try {
    const dict = toPyTorchStateDict(model);
    const own = new Set(model.parameters());
    const preprocess = JSON.stringify({ name: spec.name, input: spec.input, normalize: spec.normalize, classNames: spec.classNames });
    try {
      saveTensors(weights, dict, { format: 'pt', 'quadranet.preprocess': preprocess });
    } finally {
      for (const t of dict.values()) if (!own.has(t as never)) t.dispose();
    }
    const config = configPathFor(weights);
    writeFileAtomic(config, JSON.stringify(architectureOf(model), null, 2) + '\n');
    return { weights, config, params: model.numParameters() };
  } finally {
    model.dispose();
  }
}
