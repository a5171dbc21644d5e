/** Messages between a Predictor (predictor.ts) and its worker (predict-worker.ts), and errors across the thread boundary. */
import {
  ArgumentError, BackendUnavailableError, type BackendName, DeviceError, DisposedError, DTypeError, QuadraError, ShapeError,
} from '@quadranet/core';
import type { ArchitectureSpec } from '../model/architecture.js';
import { PredictorError } from './predict-errors.js';
import type { WeightsMessage } from './weight-snapshot.js';

/** workerData: what the worker rebuilds the model from. */
export interface WorkerInit {
  architecture: ArchitectureSpec;
  /** The main thread's `model.toString()`: the worker checks that its rebuilt model prints the same. */
  structure: string;
  /** The calling thread's float32 cpu backend (native 'cpu' or the reference 'ref'). */
  backend: BackendName;
}

export interface RunMessage {
  kind: 'run';
  id: number;
  shape: number[];
  data: Float32Array;
}

export type ToWorker = WeightsMessage | RunMessage;

export interface SerializedError {
  name: string;
  code?: string;
  message: string;
}

export type FromWorker = { id: number; ok: true; logits: Float32Array } | { id: number; ok: false; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

const REBUILT: Record<string, new (message: string) => QuadraError> = {
  ArgumentError, ShapeError, DTypeError, DeviceError, DisposedError, BackendUnavailableError,
};

/** The worker's error as the same typed error on this thread (a QuadraError with its name and code where the class has no plain constructor). */
export function deserializeError(e: SerializedError): Error {
  if (Object.hasOwn(REBUILT, e.name)) return new REBUILT[e.name](e.message);
  if (e.code?.startsWith('QUADRA_')) {
    const q = new QuadraError(e.code, e.message);
    q.name = e.name;
    return q;
  }
  return new PredictorError(`the prediction worker failed: ${e.name}: ${e.message}`);
}
