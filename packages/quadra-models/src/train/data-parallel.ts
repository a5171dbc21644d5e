/**
 * Data-parallel training on a process group (core's distributed): every rank draws the same global
 * batch (same permutation, same augmentation and mixing seeds) and keeps its contiguous share of
 * it, so the ranks' shards are disjoint and cover the set every epoch, and N ranks with global
 * batch B take the same steps as one process with batch B. The gradients are summed in buckets
 * during the backward (GradientReducer), each rank's weighted by its share; the loss and the hit
 * count are summed the same way, so every rank logs the global batch's figures.
 */
import { ArgumentError, distributed, type nn } from '@quadranet/core';

/** A run's data-parallel state; absent (null) in a world of one. */
export interface DataParallel {
  group: distributed.ProcessGroup;
  reducer: distributed.GradientReducer;
  /** The last step's loss/accuracy sum across the ranks, in ms. */
  statsMs: number;
}

export function createDataParallel(group: distributed.ProcessGroup | undefined, model: nn.Module, bucketMb?: number): DataParallel | null {
  if (!group || group.worldSize === 1) return null;
  return { group, reducer: new distributed.GradientReducer(group, model.parameters(), bucketMb ? { bucketMb } : {}), statsMs: 0 };
}

/** Rank `rank`'s share [lo, hi) of `n` items: contiguous, sizes differing by at most one. */
export function shardRange(n: number, rank: number, worldSize: number): [number, number] {
  return [Math.floor((n * rank) / worldSize), Math.floor((n * (rank + 1)) / worldSize)];
}

/** Items [lo, hi) of a batch and of its soft targets (rows of `classes`). */
export function localBatch<B extends { x: Float32Array; labels: Int32Array; size: number }>(
  b: B, targets: Float32Array | null, classes: number, lo: number, hi: number,
): { batch: { x: Float32Array; labels: Int32Array; size: number }; targets: Float32Array | null } {
  const px = b.size > 0 ? b.x.length / b.size : 0;
  return {
    batch: { x: b.x.subarray(lo * px, hi * px), labels: b.labels.subarray(lo, hi), size: hi - lo },
    targets: targets ? targets.subarray(lo * classes, hi * classes) : null,
  };
}

/** Every rank's values summed (one small collective). */
export function sumAcross(dp: DataParallel, values: readonly number[]): number[] {
  const buf = Float64Array.from(values);
  dp.group.wait(dp.group.allReduceStart(buf));
  return Array.from(buf);
}

/** True on every rank when it is true on any (a stop request agreed before the next step). */
export function anyRank(dp: DataParallel | null, flag: boolean): boolean {
  if (!dp) return flag;
  return sumAcross(dp, [flag ? 1 : 0])[0] > 0;
}

/** Rank 0's parameters on every rank. */
export function syncFromRankZero(dp: DataParallel | null, modules: readonly (nn.Module | null | undefined)[]): void {
  if (!dp) return;
  for (const m of modules) for (const p of m?.parameters() ?? []) dp.group.broadcast(p, 0);
}

/**
 * Fails on every rank, naming the difference, when the ranks would start from different points
 * (epoch, step, batch in the epoch, optimizer steps): a rank that found no checkpoint, or another one,
 * in an --out that is not shared between machines.
 */
export function checkSameStart(dp: DataParallel | null, point: readonly number[], checkpoint: string): void {
  if (!dp) return;
  const n = dp.group.worldSize;
  const sums = sumAcross(dp, point);
  const differs = anyRank(dp, point.some((v, i) => v * n !== sums[i]));
  if (differs) {
    throw new ArgumentError(`rank ${dp.group.rank}: the ranks do not resume from the same point (this rank: epoch ${point[0]}, step ${point[1]}, from ${checkpoint}); every rank must read the same checkpoint: put --out on storage all machines share`);
  }
}
