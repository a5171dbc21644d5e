/**
 * The run's files beside the checkpoint: metrics.csv (one row per completed epoch, rewritten after
 * each), and metrics.json + curves.svg (at the end of the run, however it ends). All atomic.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@quadranet/core';
import type { TrainConfig } from './config.js';
import { curvesSvg, type EpochMetrics } from './curves.js';

export const CSV_COLUMNS = [
  'epoch', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'test_loss', 'test_acc', 'lr', 'images_per_s', 'seconds', 'skipped_steps',
] as const;

/** How the run ended, recorded in metrics.json. */
export type RunEnd =
  | { reason: 'complete' }
  | { reason: 'early-stop'; bestEpoch: number; patience: number }
  | { reason: 'interrupted' | 'diverged'; epoch: number; stepInEpoch: number; step: number; message: string };

/** Columns a run with a weight EMA (--model-ema) adds after CSV_COLUMNS. */
export const EMA_CSV_COLUMNS = ['ema_val_loss', 'ema_val_acc', 'ema_test_loss', 'ema_test_acc'] as const;

export function metricsCsv(history: EpochMetrics[]): string {
  const cell = (v: number | undefined) => (v === undefined ? '' : String(v));
  const columns = history.some((h) => h.ema_test_acc !== undefined) ? [...CSV_COLUMNS, ...EMA_CSV_COLUMNS] : CSV_COLUMNS;
  const rows = history.map((h) => columns.map((k) => cell(h[k] ?? (k === 'skipped_steps' ? 0 : undefined))).join(','));
  return [columns.join(','), ...rows].join('\n') + '\n';
}

export function writeCsv(outDir: string, history: EpochMetrics[]): void {
  writeFileAtomic(join(outDir, 'metrics.csv'), metricsCsv(history));
}

/** The best validation epoch so far (highest val_acc, the earliest on ties), or null without validation. */
export function bestEpoch(history: EpochMetrics[]): EpochMetrics | null {
  let best: EpochMetrics | null = null;
  for (const h of history) if (h.val_acc !== undefined && (best === null || h.val_acc > best.val_acc!)) best = h;
  return best;
}

export function writeReport(outDir: string, c: TrainConfig, params: number, history: EpochMetrics[], end: RunEnd): void {
  const best = bestEpoch(history);
  const skipped = history.reduce((a, h) => a + (h.skipped_steps ?? 0), 0);
  const report = {
    config: c, params, end, final: history[history.length - 1], skipped_steps: skipped,
    ...(best ? { best: { epoch: best.epoch, val_acc: best.val_acc, test_acc: best.test_acc, checkpoint: 'best.safetensors' } } : {}),
    history,
  };
  writeFileAtomic(join(outDir, 'metrics.json'), JSON.stringify(report, null, 2) + '\n');
  writeCsv(outDir, history);
  writeFileAtomic(join(outDir, 'curves.svg'), curvesSvg(history, `${c.model} on ${c.dataset}`));
}
