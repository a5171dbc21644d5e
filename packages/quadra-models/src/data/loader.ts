/**
 * Batches for an epoch, prepared ahead on a worker thread (or inline with workers: 0). The worker
 * gets the uint8 images once, in shared memory; each request carries indices and a seed.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { outSize, prepareBatch, type BatchSpec, type SetView } from './batch.js';
import type { RandomErasingOptions } from './random-erasing.js';
import type { ImageSet } from './dataset.js';

export interface Batch {
  x: Float32Array;
  labels: Int32Array;
  size: number;
}

export interface EpochOptions {
  batchSize: number;
  /** Augmentation seed base (batch b uses seed + b); null for none. */
  seed: number | null;
  pad?: number;
  flip?: boolean;
  /** Random erasing after normalisation (training batches only). */
  erase?: RandomErasingOptions | null;
  /** Batches to prepare ahead. */
  prefetch?: number;
  /** The first batch to yield (a run resumed partway through an epoch); the batches are the same as the whole pass's from there. */
  start?: number;
}

const WORKER = new URL('./worker.js', import.meta.url);

export class BatchLoader {
  private readonly view: SetView;
  private worker: Worker | null = null;
  private nextId = 0;
  private pending = new Map<number, (out: Float32Array) => void>();
  private failure: Error | null = null;

  /** `size`: the batches' [H, W] when it differs from the set's (resampled as inference does; see resampleImage). */
  constructor(private readonly set: ImageSet, norm: { mean: number; std: number }, workers = 1, size?: [number, number]) {
    const shared = new Uint8Array(new SharedArrayBuffer(set.images.length));
    shared.set(set.images);
    this.view = { images: shared, h: set.h, w: set.w, c: set.c, mean: norm.mean, std: norm.std, ...(size && (size[0] !== set.h || size[1] !== set.w) ? { out: size } : {}) };
    // Under a TypeScript test runner the compiled worker may not exist: prepare inline then.
    if (workers > 0 && existsSync(fileURLToPath(WORKER))) {
      this.worker = new Worker(WORKER, { workerData: this.view });
      this.worker.on('message', (m: { id: number; out: Float32Array }) => {
        this.pending.get(m.id)?.(m.out);
        this.pending.delete(m.id);
      });
      this.worker.on('error', (err) => {
        this.failure = err;
      });
    }
  }

  get usesWorker(): boolean {
    return this.worker !== null;
  }

  private request(spec: BatchSpec): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.worker) {
      const [h, w] = outSize(this.view);
      const out = new Float32Array(spec.indices.length * h * w * this.set.c);
      prepareBatch(this.view, spec, out);
      return Promise.resolve(out);
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker!.postMessage({ id, spec });
    });
  }

  /** The batches of one pass over `order` (indices into the set). */
  async *epoch(order: Int32Array, o: EpochOptions): AsyncGenerator<Batch> {
    const count = Math.ceil(order.length / o.batchSize);
    const specOf = (b: number): BatchSpec => ({
      indices: order.slice(b * o.batchSize, Math.min(order.length, (b + 1) * o.batchSize)),
      seed: o.seed === null ? null : o.seed + b,
      pad: o.pad ?? 0,
      flip: o.flip ?? false,
      erase: o.erase ?? null,
    });
    const ahead: Promise<Float32Array>[] = [];
    const depth = Math.max(1, o.prefetch ?? 2);
    const start = Math.min(count, Math.max(0, o.start ?? 0));
    for (let b = start; b < Math.min(start + depth, count); b++) ahead.push(this.request(specOf(b)));
    for (let b = start; b < count; b++) {
      const spec = specOf(b);
      const x = await ahead.shift()!;
      if (b + depth < count) ahead.push(this.request(specOf(b + depth)));
      const labels = new Int32Array(spec.indices.length);
      for (let i = 0; i < labels.length; i++) labels[i] = this.set.labels[spec.indices[i]];
      yield { x, labels, size: labels.length };
    }
  }

  async close(): Promise<void> {
    if (this.worker) await this.worker.terminate();
    this.worker = null;
  }
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
