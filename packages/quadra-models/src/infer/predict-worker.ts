/**
 * Worker thread of a Predictor (predictor.ts): rebuilds the model from its architecture, loads the
 * weights it is sent, and runs one forward per 'run' message, in the order they arrive. The native
 * module is loaded here through @quadranet/core like on the main thread (Node-API modules are
 * context-aware: each thread gets its own instance of the exports; the kernels' thread count is
 * the process-wide QUADRA_NUM_THREADS / setThreads() value).
 */
import { ArgumentError, nn, setBackend, tensor } from '@quadranet/core';
import { parentPort, workerData } from 'node:worker_threads';
import { QuadraNet } from '../model/quadranet.js';
import { forwardLogits } from './model-predict.js';
import { serializeError, type FromWorker, type ToWorker, type WorkerInit } from './predict-protocol.js';
import type { WeightsMessage } from './weight-snapshot.js';

const init = workerData as WorkerInit;
const port = parentPort!;
setBackend(init.backend);
// The weights arrive in the first message: skip drawing random initial values.
const model = nn.withoutInit(() => new QuadraNet({ ...init.architecture })).eval();
// A model built with chooseBlock (or changed after construction) is not what its architecture
// describes; running the rebuilt one would give other logits, so every request fails instead.
const mismatch: Error | null = model.toString() === init.structure ? null : new ArgumentError(
  'predictAsync: model: its modules differ from what architectureOf(model) rebuilds (built with chooseBlock, or changed after construction?); '
  + 'the worker rebuilds the model from that spec, so use predict() for this model',
);

/** The last weights message that failed to load (a later one that loads clears it). */
let loadFailure: Error | null = null;

function load(m: WeightsMessage): void {
  const dict = new Map(m.names.map((name, i) => [name, { shape: m.shapes[i], data: m.data.subarray(m.offsets[i], m.offsets[i] + m.shapes[i].reduce((a, b) => a * b, 1)) }]));
  model.loadStateDict(dict);
}

port.on('message', (m: ToWorker) => {
  if (m.kind === 'weights') {
    try {
      load(m);
      loadFailure = null;
    } catch (err) {
      loadFailure = err as Error;
    }
    return;
  }
  let reply: FromWorker;
  try {
    if (mismatch ?? loadFailure) throw mismatch ?? loadFailure;
    const x = tensor(m.data, m.shape);
    try {
      reply = { id: m.id, ok: true, logits: forwardLogits(model, x) };
    } finally {
      x.dispose();
    }
  } catch (err) {
    reply = { id: m.id, ok: false, error: serializeError(err) };
  }
  port.postMessage(reply, reply.ok ? [reply.logits.buffer as ArrayBuffer] : []);
});
