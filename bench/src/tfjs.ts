/**
 * TensorFlow.js 4.22 peers running the same computations (NHWC, tf.fused.depthwiseConv2d with its
 * bias: the fastest form tfjs offers), on the wasm backend (SIMD, single-threaded in Node) and the
 * plain-JS cpu backend.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfBackend = 'wasm' | 'cpu';

let wasmReady = false;

export async function useBackend(name: TfBackend): Promise<void> {
  if (name === 'wasm' && !wasmReady) {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(join(dist, '/'));
    wasmReady = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
}

/** GELU, erf form (ours and the ONNX export's): 0.5 x (1 + erf(x / √2)); tfjs has no fused GELU. */
export function tfGelu<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)) as T;
}

/** Layer norm over the last axis from tf.moments (tfjs has no layer-norm op). */
export function tfLayerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor, b: tf.Tensor, eps: number): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), g), b) as T;
}

/**
 * Runs `fn` in a tidy scope and reads its result outside it. Never return the typed array from
 * tf.tidy: tidy walks what it is given back for tensors, element by element, which cost 1.5 s on
 * an 8×56×56×64 output and made the fused quadconv peer look 7× slower than it is (bench/RESULTS.md).
 */
export function readResult(fn: () => tf.Tensor): Float32Array {
  const t = tf.tidy(fn);
  const d = t.dataSync() as Float32Array;
  t.dispose();
  return d;
}

/**
 * A 'same' stride-1 depthwise conv with its bias, the fastest way tfjs offers: tf.fused's kernel
 * adds the bias in its epilogue instead of a second pass over the activations.
 */
export function tfDepthwise(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor): tf.Tensor4D {
  return tf.fused.depthwiseConv2d({ x, filter, bias, strides: 1, pad: 'same' });
}

export interface QuadInputs {
  x: Float32Array;
  dy: Float32Array;
  wa: Float32Array;
  wb: Float32Array;
  wc: Float32Array;
  ba: Float32Array;
  bb: Float32Array;
  bc: Float32Array;
}

/**
 * Builds forward and forward+backward closures for the quadratic depthwise conv in tfjs. Each
 * reads its results with dataSync() so the timing covers the whole computation.
 */
export function tfQuadConv(inp: QuadInputs, n: number, h: number, w: number, c: number, k: number) {
  const x = tf.tensor4d(inp.x, [n, h, w, c]);
  const dy = tf.tensor4d(inp.dy, [n, h, w, c]);
  const filt = (a: Float32Array) => tf.tensor4d(a, [k, k, c, 1]);
  const wa = filt(inp.wa), wb = filt(inp.wb), wc = filt(inp.wc);
  const ba = tf.tensor1d(inp.ba), bb = tf.tensor1d(inp.bb), bc = tf.tensor1d(inp.bc);
  const quad = (xi: tf.Tensor4D, a: tf.Tensor4D, b: tf.Tensor4D, cc: tf.Tensor4D, ab: tf.Tensor1D, bbias: tf.Tensor1D, cb: tf.Tensor1D) => {
    const A = tfDepthwise(xi, a, ab);
    const B = tfDepthwise(xi, b, bbias);
    const C = tfDepthwise(xi, cc, cb);
    return tf.add(tf.mul(A, B), C) as tf.Tensor4D;
  };
  /** The forward's output (read, so the timing covers the whole computation; the numerics check uses it). */
  const output = () => readResult(() => quad(x, wa, wb, wc, ba, bb, bc));
  const forward = () => {
    output();
  };
  const gradFn = tf.grads((...args: tf.Tensor[]) => {
    const [xi, a, b, cc, ab, bbias, cb] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    return tf.sum(tf.mul(quad(xi, a, b, cc, ab, bbias, cb), dy));
  });
  const forwardBackward = () => {
    tf.tidy(() => {
      for (const g of gradFn([x, wa, wb, wc, ba, bb, bc])) g.dataSync();
    });
  };
  const dispose = () => tf.dispose([x, dy, wa, wb, wc, ba, bb, bc]);
  return { forward, forwardBackward, output, dispose };
}
