/**
 * What a killed training run left in its output directory: the checkpoint (loaded and its format
 * checked, or the error that stopped it) and the temporary files of a write that did not finish.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicTempTarget } from '@quadranet/core';
import { readCheckpointState } from '@quadranet/models';

export interface RunDir {
  /** Optimizer steps the checkpoint holds (0: no checkpoint). */
  step: number;
  /** Why the checkpoint is not valid (null when it is, or when there is none). */
  invalid: string | null;
  temps: string[];
  /** metrics.csv rows (epochs), or null without the file. */
  csvRows: number | null;
}

export function tempFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => atomicTempTarget(n) !== null) : [];
}

export function inspectRunDir(dir: string): RunDir {
  const ckpt = join(dir, 'checkpoint.safetensors');
  let step = 0;
  let invalid: string | null = null;
  if (existsSync(ckpt)) {
    try {
      const { state, tensors } = readCheckpointState(ckpt);
      for (const t of tensors.values()) t.dispose();
      step = state.step;
    } catch (err) {
      invalid = err instanceof Error ? err.message : String(err);
    }
  }
  const csv = join(dir, 'metrics.csv');
  const csvRows = existsSync(csv) ? readFileSync(csv, 'utf8').trim().split('\n').length - 1 : null;
  return { step, invalid, temps: tempFiles(dir), csvRows };
}
