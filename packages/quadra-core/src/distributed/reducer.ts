/**
 * Data-parallel gradient reduction, as PyTorch's DDP does it: the parameters are packed into
 * buckets in reverse order (the backward finishes the last layers first); when every gradient of a
 * bucket is final (backward's onGradReady) and the buckets before it have started, the bucket is
 * copied into one flat buffer, weighted by this rank's share of the global batch and summed across
 * the ranks on the process group's worker thread while the backward goes on. finish() starts what
 * is left, waits, and writes the reduced gradients back: every rank then holds the gradient of the
 * whole global batch.
 */
import { allocArray, type DType, type FArray } from '../dtype.js';
import { ArgumentError } from '../errors.js';
import { keep } from '../scope.js';
import { zerosLikeRaw, type Tensor } from '../tensor.js';
import type { ProcessGroup } from './process-group.js';

export interface ReducerOptions {
  /** Target bucket size in MB (default 1: small enough to start early on CPU-sized models). */
  bucketMb?: number;
}

interface Bucket {
  params: Tensor[];
  offsets: number[];
  flat: FArray;
  ready: number;
  id: number | null;
}

/** Wall time spent inside the reducer in the last step, in ms. */
export interface ReducerTimes {
  /** Copying gradients into buckets and weighting them (overlaps nothing). */
  packMs: number;
  /** Waiting in finish() for reductions still running when the backward ended (communication not hidden). */
  waitMs: number;
  /** Writing the reduced buckets back. */
  unpackMs: number;
  bytes: number;
}

export class GradientReducer {
  private readonly buckets: Bucket[] = [];
  private readonly where = new Map<Tensor, number>();
  private next = 0;
  private weight = 1;
  private active = false;
  readonly times: ReducerTimes = { packMs: 0, waitMs: 0, unpackMs: 0, bytes: 0 };

  constructor(private readonly group: ProcessGroup, params: readonly Tensor[], opts: ReducerOptions = {}) {
    const mb = opts.bucketMb ?? 1;
    if (!(mb > 0)) throw new ArgumentError(`bucketMb must be a positive number, got ${mb}`);
    const cap = mb * 1024 * 1024;
    let cur: Tensor[] = [];
    let bytes = 0;
    let dtype: DType | null = null;
    const close = () => {
      if (!cur.length) return;
      const offsets: number[] = [];
      let n = 0;
      for (const p of cur) {
        offsets.push(n);
        n += p.size;
      }
      for (const p of cur) this.where.set(p, this.buckets.length);
      this.buckets.push({ params: cur, offsets, flat: allocArray(dtype!, n), ready: 0, id: null });
      cur = [];
      bytes = 0;
    };
    // frozen parameters (requiresGrad false) are left alone, as the optimizer leaves them
    for (const p of params.filter((q) => q.requiresGrad).reverse()) {
      if (p.device !== 'cpu') throw new ArgumentError(`GradientReducer: parameters must be cpu tensors, got one on ${p.device}`);
      if (dtype !== null && p.dtype !== dtype) close();
      dtype = p.dtype;
      cur.push(p);
      bytes += p.size * (p.dtype === 'float64' ? 8 : 4);
      if (bytes >= cap) close();
    }
    close();
  }

  get bucketCount(): number {
    return this.buckets.length;
  }

  /**
   * Starts a step: `weight` is this rank's share of the global batch (its images / all images), so
   * that the summed gradients are those of the global batch's mean loss.
   */
  begin(weight: number): void {
    if (!(weight >= 0 && weight <= 1)) throw new ArgumentError(`weight must be in [0, 1], got ${weight}`);
    this.weight = weight;
    this.next = 0;
    this.active = true;
    for (const b of this.buckets) {
      b.ready = 0;
      b.id = null;
    }
    Object.assign(this.times, { packMs: 0, waitMs: 0, unpackMs: 0, bytes: 0 });
  }

  /** For backward's onGradReady: counts the parameter and starts the buckets that are complete. */
  readonly onGradReady = (leaf: Tensor): void => {
    const i = this.where.get(leaf);
    if (i === undefined || !this.active) return;
    this.buckets[i].ready++;
    while (this.next < this.buckets.length && this.buckets[this.next].ready === this.buckets[this.next].params.length) {
      this.launch(this.buckets[this.next]);
      this.next++;
    }
  };

  private launch(b: Bucket): void {
    const t0 = performance.now();
    b.params.forEach((p, k) => {
      if (!p.grad) p.grad = keep(zerosLikeRaw(p)); // a parameter this step did not reach
      b.flat.set(p.grad.buf() as FArray, b.offsets[k]);
    });
    const w = this.weight;
    if (w !== 1) for (let i = 0; i < b.flat.length; i++) b.flat[i] *= w;
    this.times.packMs += performance.now() - t0;
    this.times.bytes += b.flat.byteLength;
    b.id = this.group.allReduceStart(b.flat);
  }

  /** Starts the buckets not yet started, waits for all and writes the reduced gradients back. */
  finish(): void {
    if (!this.active) throw new ArgumentError('GradientReducer.finish(): begin() was not called for this step');
    this.active = false;
    while (this.next < this.buckets.length) this.launch(this.buckets[this.next++]);
    for (const b of this.buckets) {
      const t0 = performance.now();
      this.group.wait(b.id!);
      const t1 = performance.now();
      b.params.forEach((p, k) => {
        const g = p.grad!;
        (g.buf() as FArray).set(b.flat.subarray(b.offsets[k], b.offsets[k] + p.size));
        g.markWritten();
      });
      this.times.waitMs += t1 - t0;
      this.times.unpackMs += performance.now() - t1;
    }
  }
}
