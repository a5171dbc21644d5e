/**
 * Inference off the main thread: a Predictor owns one worker thread holding its own copy of a
 * QuadraNet (rebuilt from `architectureOf(model)`, weights sent in one shared buffer) and runs
 * requests on it one at a time, in the order they were made.
 *
 * Design, in short:
 * - One worker per predictor. A pool would need a model copy per worker and would compete for the
 *   same cores as each worker's OpenMP team; batching requests is the way to more images/s.
 * - The queue lives on the calling thread and the worker gets one request at a time, so requests
 *   never interleave on the worker's buffers and a request still queued can be dropped at no cost.
 * - Weights: snapshotted when the predictor is created. With `followWeights` (the default, and
 *   what model.predictAsync uses) every call checks whether a parameter was replaced or written
 *   through core since the snapshot (Tensor.version: data() views, loadStateDict, optimizer steps;
 *   microseconds), and when one was, a new snapshot (a copy, ~0.4 s for the 94 MB of quadranet36_t
 *   on the 2-core dev VM) is queued ahead of that request: a request sees the weights as they were
 *   when it was made. Values written into a dataSync() view bypass the count (write via data()). With `followWeights: false` the snapshot is sent once and not kept (no compare, no
 *   second copy of the weights in memory) until `refresh()`: the choice for a service whose
 *   weights do not change.
 * - The snapshot is a SharedArrayBuffer, new for each snapshot and never written after, so the
 *   worker copies it into its own parameters while the calling thread goes on.
 * - Threads: the native kernels' thread count is one process-wide setting (QUADRA_NUM_THREADS, or
 *   lib's setThreads(), which also changes it for a running worker). The worker's forward uses that
 *   many OpenMP threads, like a predict() on the main thread would; while it runs, the main thread
 *   only handles events, so the cores are not oversubscribed. Running predict() (sync) on the main
 *   thread while a predictAsync batch runs makes two teams of that size share the cores.
 * - The worker is unref'd while it has nothing to do, so it never keeps a process alive on its own;
 *   `close()` (or the model's `dispose()` for model.predictAsync) terminates it.
 * - The worker runs the float32 cpu backend the calling thread uses (setBackend('ref') carries over).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ArgumentError, checkOptionKeys, getBackend, optionKeys, Tensor } from '@quadranet/core';
import { architectureOf } from '../model/architecture.js';
import type { QuadraNet } from '../model/quadranet.js';
import { checkPredictInput, type PredictInput } from './model-predict.js';
import { AbortError, PredictorError, TimeoutError } from './predict-errors.js';
import { deserializeError, type FromWorker, type RunMessage, type WorkerInit } from './predict-protocol.js';
import { WeightSnapshot, type WeightsMessage } from './weight-snapshot.js';

export interface PredictAsyncOptions {
  /** Cancels the request: a queued one is dropped, a running one finishes on the worker but its result is discarded. */
  signal?: AbortSignal;
  /** Rejects with a TimeoutError after this many milliseconds (queue time included), cancelling as `signal` does. */
  timeoutMs?: number;
}

export interface PredictorOptions {
  /** Re-send the weights when the model's differ from the snapshot at a call (default true); false keeps the snapshot until refresh(). */
  followWeights?: boolean;
}

const ASYNC_KEYS = optionKeys<PredictAsyncOptions>()('signal', 'timeoutMs');
const PREDICTOR_KEYS = optionKeys<PredictorOptions>()('followWeights');

interface Job {
  kind: 'run';
  id: number;
  shape: number[];
  data: Float32Array;
  settled: boolean;
  settle(err: Error | null, logits?: Float32Array): void;
}

/**
 * The compiled worker script: beside this file in dist/, or, when this file runs from the
 * TypeScript sources (a test runner), the package's dist/ build of it.
 */
function workerUrl(): URL {
  const beside = new URL('./predict-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../dist/infer/predict-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new PredictorError(`the prediction worker script was not found (looked for ${fileURLToPath(beside)} and ${fileURLToPath(built)}); build the package (tsc -b)`);
}

function checkAsyncOptions(o: unknown): PredictAsyncOptions {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null) throw new ArgumentError(`predictAsync: options must be an object { signal?, timeoutMs? }, got ${o === null ? 'null' : typeof o}`);
  checkOptionKeys('predictAsync', o as PredictAsyncOptions, ASYNC_KEYS);
  const { signal, timeoutMs } = o as PredictAsyncOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new ArgumentError('predictAsync: options.signal must be an AbortSignal');
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) {
    throw new ArgumentError(`predictAsync: options.timeoutMs must be a number of milliseconds in (0, 2^31), got ${String(timeoutMs)}`);
  }
  return { signal, timeoutMs };
}

const aborted = (signal: AbortSignal) => new AbortError('predictAsync: the request was aborted', signal.reason);

/**
 * Runs a QuadraNet's forward on a worker thread. Create one with `createPredictor(model)`, or let
 * `model.predictAsync(x)` keep one per model.
 *
 * @example
 * // A Node.js service: the event loop stays free while the worker computes.
 * import { createServer } from 'node:http';
 * import { createPredictor, loadCheckpointModel } from '@quadranet/models';
 *
 * const { model } = loadCheckpointModel('run/checkpoint.safetensors');
 * const predictor = createPredictor(model, { followWeights: false }); // fixed weights: no compare per call
 * createServer(async (req, res) => {
 *   const pixels = await readBody(req); // your decoding: a Float32Array of 28*28 values
 *   const ctl = new AbortController();
 *   res.on('close', () => ctl.abort()); // the client left: drop the request if still queued
 *   try {
 *     const logits = await predictor.predict({ data: pixels, shape: [1, 28, 28, 1] }, { signal: ctl.signal, timeoutMs: 2000 });
 *     res.end(JSON.stringify(Array.from(logits)));
 *   } catch (err) {
 *     res.statusCode = (err as Error).name === 'TimeoutError' ? 503 : 400;
 *     res.end((err as Error).message);
 *   }
 * }).listen(8080);
 * process.on('SIGTERM', () => void predictor.close());
 */
export class Predictor {
  private readonly worker: Worker;
  /** Requests and weight updates not yet handed to the worker, in call order. */
  private queue: (Job | WeightsMessage)[] = [];
  private running: Job | null = null;
  private nextId = 0;
  private closedBy: PredictorError | null = null;
  private readonly snapshot: WeightSnapshot;
  private readonly follow: boolean;

  constructor(private readonly model: QuadraNet, opts: PredictorOptions = {}) {
    if (typeof model !== 'object' || model === null || typeof model.options?.inChannels !== 'number' || typeof model.namedParameters !== 'function') {
      throw new ArgumentError('createPredictor: model must be a QuadraNet');
    }
    checkOptionKeys('createPredictor', opts, PREDICTOR_KEYS);
    if (opts.followWeights !== undefined && typeof opts.followWeights !== 'boolean') {
      throw new ArgumentError(`createPredictor: options.followWeights must be a boolean, got ${typeof opts.followWeights}`);
    }
    this.follow = opts.followWeights ?? true;
    this.snapshot = new WeightSnapshot();
    const weights = this.snapshot.take('createPredictor', model);
    const init: WorkerInit = { architecture: architectureOf(model), structure: model.toString(), backend: getBackend() };
    this.worker = new Worker(workerUrl(), { workerData: init });
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.onReply(m));
    this.worker.on('error', (err) => this.fail(new PredictorError(`the prediction worker failed: ${err.message}`, { cause: err })));
    this.worker.on('exit', (code) => this.fail(new PredictorError(`the prediction worker exited (code ${code})`)));
    this.send(weights);
  }

  /** True after close(), or after the worker failed (every later call rejects with a PredictorError). */
  get closed(): boolean {
    return this.closedBy !== null;
  }

  /** Requests made and not yet settled (queued or running). */
  get pending(): number {
    return this.queue.filter((e) => e.kind === 'run').length + (this.running && !this.running.settled ? 1 : 0);
  }

  /**
   * The logits (row-major [N, numClasses]) of the model on `x`, computed on the worker: the same
   * bits as `model.predict(x)`. The input is copied when the call is made (the caller may reuse its
   * buffer at once). Rejects with the typed error of a bad argument (ArgumentError, ShapeError,
   * DTypeError naming `x`, `x.shape`, `x.data` or the option), an AbortError / TimeoutError when
   * cancelled, a PredictorError when the predictor is closed or its worker failed, and the
   * forward's own typed error otherwise.
   */
  predict(x: PredictInput, opts?: PredictAsyncOptions): Promise<Float32Array> {
    try {
      if (this.closedBy) throw this.closedBy;
      const { signal, timeoutMs } = checkAsyncOptions(opts);
      const input = checkPredictInput('predictAsync', x, this.model.options.inChannels);
      if (signal?.aborted) throw aborted(signal);
      if (this.follow && this.snapshot.differs('predictAsync', this.model)) this.refresh();
      const data = (input instanceof Tensor ? (input.dataSync() as Float32Array) : input.data).slice();
      return new Promise<Float32Array>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const onAbort = () => this.cancel(job, aborted(signal!));
        const job: Job = {
          kind: 'run', id: this.nextId++, shape: [...input.shape], data, settled: false,
          settle: (err, logits) => {
            if (job.settled) return;
            job.settled = true;
            if (timer) clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            if (err) reject(err);
            else resolve(logits!);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (timeoutMs !== undefined) {
          timer = setTimeout(() => this.cancel(job, new TimeoutError(`predictAsync: no result within timeoutMs = ${timeoutMs}`, timeoutMs)), timeoutMs);
          timer.unref(); // a queued or running request keeps the worker ref'd; the timer need not
        }
        this.queue.push(job);
        this.pump();
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Snapshots the model's weights now; requests made from here on use them (earlier ones keep theirs). */
  refresh(): void {
    if (this.closedBy) throw this.closedBy;
    this.send(this.snapshot.take('refresh', this.model));
  }

  /** Queues a snapshot for the worker; keeps it for comparisons only when following the weights. */
  private send(weights: WeightsMessage): void {
    this.queue.push(weights);
    if (!this.follow) this.snapshot.release();
    this.pump();
  }

  /** Terminates the worker; requests not finished reject with a PredictorError. */
  async close(): Promise<void> {
    this.fail(new PredictorError('predictAsync: the predictor was closed (close() or the model\'s dispose()) before the request finished'));
    await this.worker.terminate();
  }

  private cancel(job: Job, err: Error): void {
    if (job.settled) return;
    job.settle(err);
    // A queued request is dropped; a running one finishes on the worker and its result is discarded.
    const at = this.queue.indexOf(job);
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** Hands the worker the weight updates at the head of the queue and then one request, unless one runs. */
  private pump(): void {
    while (!this.running && !this.closedBy && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (next.kind === 'weights') {
        this.worker.postMessage(next); // shared memory: the worker copies it into its parameters
        continue;
      }
      this.running = next;
      this.worker.ref(); // a request in flight keeps the process alive until its result arrives
      const msg: RunMessage = { kind: 'run', id: next.id, shape: next.shape, data: next.data };
      this.worker.postMessage(msg, [next.data.buffer as ArrayBuffer]);
    }
  }

  private onReply(m: FromWorker): void {
    const job = this.running;
    if (!job || job.id !== m.id) return;
    this.running = null;
    if (m.ok) job.settle(null, m.logits);
    else job.settle(deserializeError(m.error));
    this.pump();
    if (!this.running) this.worker.unref();
  }

  /** Rejects everything not finished with `err`; later calls reject with it too. */
  private fail(err: PredictorError): void {
    if (this.closedBy) return;
    this.closedBy = err;
    const jobs = [...(this.running ? [this.running] : []), ...this.queue.filter((e): e is Job => e.kind === 'run')];
    this.running = null;
    this.queue = [];
    for (const j of jobs) j.settle(err);
    this.worker.unref();
  }
}

/**
 * A Predictor for `model`: a worker thread with a copy of the model (cpu, float32; rebuilt from
 * `architectureOf(model)`, so a model built with `chooseBlock` is refused on its first request).
 * Close it with `close()` when done; an idle one does not keep the process alive.
 */
export function createPredictor(model: QuadraNet, opts: PredictorOptions = {}): Predictor {
  return new Predictor(model, opts);
}

/** The predictor model.predictAsync uses, one per model, made on first use (again after a close). */
const attached = new WeakMap<QuadraNet, Predictor>();

/** QuadraNet.predictAsync: the model's own predictor (followWeights), made on first use. */
export function predictAsyncOn(model: QuadraNet, x: PredictInput, opts?: PredictAsyncOptions): Promise<Float32Array> {
  try {
    let p = attached.get(model);
    if (!p || p.closed) {
      p = new Predictor(model);
      attached.set(model, p);
    }
    return p.predict(x, opts);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Closes the predictor model.predictAsync made for `model`, if any (QuadraNet.dispose calls it). */
export function closeModelPredictor(model: QuadraNet): Promise<void> {
  const p = attached.get(model);
  attached.delete(model);
  return p ? p.close() : Promise.resolve();
}
