/**
 * Resuming a run: which configuration fields may change (its length, where the data is read from,
 * how batches are prepared, when to stop early or give up on non-finite steps) and the check that
 * every other field given matches the checkpoint's.
 */
import { existsSync } from 'node:fs';
import { ArgumentError } from '@quadranet/core';
import { readCheckpointState, type TrainState } from './checkpoint.js';
import { checkConfig, type TrainConfig } from './config.js';
import { ResumeConflictError } from './errors.js';
import { RECIPE_DEFAULTS, RECIPE_FLAGS, type RecipeOptions } from './recipe-config.js';

/** The CLI flag of each configuration field (for messages). */
export const CONFIG_FLAGS: Record<keyof TrainConfig, string> = {
  model: '--model', arch: '--arch', dataset: '--dataset', dataDir: '--data-dir', epochs: '--epochs', batchSize: '--batch-size', lr: '--lr',
  weightDecay: '--weight-decay', warmup: '--warmup', labelSmoothing: '--label-smoothing', dropPath: '--drop-path',
  clipGrad: '--clip-grad', seed: '--seed', stem: '--stem', kernelSize: '--kernel-size', depths: '--depths', width: '--width',
  cropPad: '--crop-pad', workers: '--workers', limit: '--limit', valSplit: '--val-split', patience: '--patience',
  skipNonfinite: '--skip-nonfinite', checkpointEvery: '--checkpoint-every', ...RECIPE_FLAGS,
};

/** Fields a resumed run may change; the CLI's --threads, --device, --json and --out are not configuration and may change too. */
export const RESUMABLE: readonly (keyof TrainConfig)[] = ['epochs', 'dataDir', 'workers', 'patience', 'skipNonfinite', 'checkpointEvery'];

const ZERO_WHEN_ABSENT: readonly (keyof TrainConfig)[] = ['valSplit', 'patience', 'skipNonfinite', 'checkpointEvery'];

function shown(v: unknown): string {
  if (v === undefined) return 'unset (the zoo default)';
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

function value(c: TrainConfig, key: keyof TrainConfig): unknown {
  const v = c[key];
  if (v === undefined && key in RECIPE_DEFAULTS) return RECIPE_DEFAULTS[key as keyof RecipeOptions]; // checkpoints from before the recipe options
  return v === undefined && ZERO_WHEN_ABSENT.includes(key) ? 0 : v;
}

/**
 * The configuration a resumed run continues with: the checkpoint's, with the resumable fields of
 * `given` applied. Each field in `explicit` (default: every field) that is not resumable must equal
 * the checkpoint's, or a ResumeConflictError names the flag and both values.
 */
export function resumeConfig(saved: TrainConfig, given: TrainConfig, file: string, explicit?: readonly (keyof TrainConfig)[]): TrainConfig {
  const keys = explicit ?? (Object.keys(CONFIG_FLAGS) as (keyof TrainConfig)[]);
  const conflicts: string[] = [];
  const out: TrainConfig = { ...saved };
  for (const k of keys) {
    if (RESUMABLE.includes(k)) {
      if (given[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = given[k];
      continue;
    }
    const a = value(given, k);
    const b = value(saved, k);
    if (JSON.stringify(a) !== JSON.stringify(b)) conflicts.push(`${CONFIG_FLAGS[k]} ${shown(a)} (the checkpoint has ${shown(b)})`);
  }
  if (conflicts.length > 0) {
    throw new ResumeConflictError(
      `--resume: ${conflicts.join(', ')} ${conflicts.length > 1 ? 'conflict' : 'conflicts'} with ${file}; a resumed run keeps its configuration `
      + `(only ${RESUMABLE.map((k) => CONFIG_FLAGS[k]).join(', ')}, --threads, --device and --json may change): drop the flag or use another --out`,
    );
  }
  return out;
}

/**
 * The configuration a run uses: `config`, or when `resume` finds the checkpoint, its configuration
 * with the changes resume allows (and its state). `resume` true without a checkpoint is an error.
 */
export function runConfig(config: TrainConfig, ckpt: string, resume: boolean | 'auto', explicit?: readonly (keyof TrainConfig)[]): { c: TrainConfig; saved: TrainState<TrainConfig> | null } {
  if (resume !== true && resume !== false && resume !== 'auto') throw new ArgumentError(`--resume takes no value or 'auto', got ${JSON.stringify(resume)}`);
  const found = resume !== false && existsSync(ckpt);
  if (resume === true && !found) throw new ArgumentError(`--resume: there is no checkpoint at ${ckpt} to continue; pass --resume auto to start a new run when there is none`);
  if (!found) return { c: checkConfig(config), saved: null };
  const saved = readCheckpointState<TrainConfig>(ckpt).state;
  const c = checkConfig(resumeConfig(saved.config, config, ckpt, explicit));
  if (saved.partial && c.epochs <= saved.epoch) {
    throw new ArgumentError(`--epochs ${c.epochs}: ${ckpt} was written partway through epoch ${saved.epoch + 1}; pass --epochs ${saved.epoch + 1} or more`);
  }
  if (c.epochs < saved.epoch) throw new ArgumentError(`--epochs ${c.epochs} is below the ${saved.epoch} epochs ${ckpt} has already trained`);
  return { c, saved };
}
