/** Worker thread: prepares training batches off the main thread (see loader.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { outSize, prepareBatch, type BatchSpec, type SetView } from './batch.js';

const set = workerData as SetView;
parentPort!.on('message', (msg: { id: number; spec: BatchSpec }) => {
  const [h, w] = outSize(set);
  const out = new Float32Array(msg.spec.indices.length * h * w * set.c);
  prepareBatch(set, msg.spec, out);
  parentPort!.postMessage({ id: msg.id, out }, [out.buffer]);
});
