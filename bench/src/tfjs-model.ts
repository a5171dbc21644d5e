/**
 * A QuadraNet's inference forward written in TensorFlow.js (NHWC) from the model's own parameters,
 * so the tfjs peers of `bench infer` run the same model and weights as ours and onnxruntime.
 *
 * Written the way a careful tfjs user would: weights uploaded once as tensors, fused conv / depthwise
 * conv / matMul kernels with their bias, the forward in tf.tidy. The layer scales γ are folded into
 * the weights in front of them (γ ⊙ (A ⊙ B + C) = A ⊙ γB + γC; γ ⊙ (W h + b) = (γW) h + γb), exact
 * up to float rounding since drop path is off in eval. GELU is the erf form, as our kernels and the
 * ONNX export compute it; tfjs has no fused GELU, so it is written with tf ops.
 * Blocks: QuadraBlock, ConvBlock (ConvNeXt), SkipBlock; any other is a TfjsModelError naming it.
 */
import * as tf from '@tensorflow/tfjs';
import { nn, QuadraError, type Tensor } from '@quadranet/core';
import { ConvBlock, QuadraBlock, SkipBlock, type QuadraNet } from '@quadranet/models';

import { tfGelu, tfLayerNorm } from './tfjs.js';

/** A block or layer this tfjs translation does not cover (named by its path, e.g. stages.2.3). */
export class TfjsModelError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_TFJS_MODEL', message);
  }
}

export interface TfjsModel {
  /** Logits [N, classes] for NHWC images; intermediates are freed layer by layer (tf.tidy). */
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** Bytes of the uploaded weights. */
  readonly weightBytes: number;
  dispose(): void;
}

type Layer = (x: tf.Tensor4D) => tf.Tensor4D;

/** A host copy of a parameter (tfjs keeps the array it is given, so never hand it ours). */
function host(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}

function scaleRows(w: Float32Array, rows: number, gamma: Float32Array | null): Float32Array {
  if (!gamma) return w;
  const cols = w.length / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[r * cols + c] *= gamma[r];
  return w;
}

function scaleLast(w: Float32Array, gamma: Float32Array | null): Float32Array {
  if (!gamma) return w;
  const c = gamma.length;
  for (let i = 0; i < w.length; i++) w[i] *= gamma[i % c];
  return w;
}

/** Uploads weights once and keeps them for dispose(). */
class Uploader {
  readonly tensors: tf.Tensor[] = [];
  bytes = 0;

  private keep<T extends tf.Tensor>(t: T): T {
    this.tensors.push(t);
    this.bytes += 4 * t.size;
    return t;
  }

  vector(data: Float32Array): tf.Tensor1D {
    return this.keep(tf.tensor1d(data));
  }

  /** nn.Linear [out, in] (rows scaled by γ when given) as the [in, out] matrix matMul takes. */
  linear(m: nn.Linear, gamma: Float32Array | null = null): { w: tf.Tensor2D; b: tf.Tensor1D | undefined } {
    const [out, inF] = m.weight.shape;
    const w = scaleRows(host(m.weight), out, gamma);
    const wt = new Float32Array(w.length);
    for (let o = 0; o < out; o++) for (let i = 0; i < inF; i++) wt[i * out + o] = w[o * inF + i];
    return { w: this.keep(tf.tensor2d(wt, [inF, out])), b: m.bias ? this.vector(scaleLast(host(m.bias), gamma)) : undefined };
  }

  /** nn.DepthwiseConv2d [k, k, C] (channels scaled by γ when given) as tfjs's [k, k, C, 1] filter. */
  depthwise(m: nn.DepthwiseConv2d, gamma: Float32Array | null = null): { f: tf.Tensor4D; b: tf.Tensor1D | undefined } {
    const k = m.kernelSize;
    return {
      f: this.keep(tf.tensor4d(scaleLast(host(m.weight), gamma), [k, k, m.channels, 1])),
      b: m.bias ? this.vector(scaleLast(host(m.bias), gamma)) : undefined,
    };
  }

  /** nn.Conv2d OHWI [out, k, k, in] as tfjs's HWIO [k, k, in, out] filter. */
  conv(m: nn.Conv2d): { f: tf.Tensor4D; b: tf.Tensor1D | undefined } {
    const [out, k, , inC] = m.weight.shape;
    const w = host(m.weight);
    const hwio = new Float32Array(w.length);
    for (let o = 0; o < out; o++) for (let p = 0; p < k * k; p++) for (let i = 0; i < inC; i++) hwio[(p * inC + i) * out + o] = w[(o * k * k + p) * inC + i];
    return { f: this.keep(tf.tensor4d(hwio, [k, k, inC, out])), b: m.bias ? this.vector(host(m.bias)) : undefined };
  }
}

function layerNorm(u: Uploader, m: nn.LayerNorm): <T extends tf.Tensor>(x: T) => T {
  const g = u.vector(host(m.weight));
  const b = u.vector(host(m.bias));
  return <T extends tf.Tensor>(x: T): T => tfLayerNorm(x, g, b, m.eps);
}

function depthwise(d: { f: tf.Tensor4D; b: tf.Tensor1D | undefined }): Layer {
  return (x) => tf.fused.depthwiseConv2d({ x, filter: d.f, strides: 1, pad: 'same', bias: d.b });
}

/** fc2(GELU(fc1(x))) over the pixels as a [N·H·W, C] matrix; γ folded into fc2. */
function mlp(u: Uploader, fc1: nn.Linear, fc2: nn.Linear, gamma: Float32Array): Layer {
  const l1 = u.linear(fc1);
  const l2 = u.linear(fc2, gamma);
  return (x) => {
    const [n, h, w, c] = x.shape;
    const a = tf.fused.matMul({ a: tf.reshape(x, [n * h * w, c]), b: l1.w, bias: l1.b });
    return tf.reshape(tf.fused.matMul({ a: tfGelu(a), b: l2.w, bias: l2.b }), [n, h, w, l2.w.shape[1]]);
  };
}

function quadraBlock(u: Uploader, b: QuadraBlock): Layer {
  const g1 = host(b.gamma1);
  const norm1 = layerNorm(u, b.norm1);
  const qa = depthwise(u.depthwise(b.QuadraConv.conv1));
  const qb = depthwise(u.depthwise(b.QuadraConv.conv2, g1));
  const qc = depthwise(u.depthwise(b.QuadraConv.conv3, g1));
  const norm2 = layerNorm(u, b.norm2);
  const m = mlp(u, b.mlp.pwconv1, b.mlp.pwconv2, host(b.gamma2));
  return (x) => {
    const h = norm1(x);
    const x1 = tf.add(x, tf.add(tf.mul(qa(h), qb(h)), qc(h))) as tf.Tensor4D;
    return tf.add(x1, m(norm2(x1)));
  };
}

function convBlock(u: Uploader, b: ConvBlock): Layer {
  const dw = depthwise(u.depthwise(b.dwconv));
  const norm = layerNorm(u, b.norm);
  const m = mlp(u, b.mlp.pwconv1, b.mlp.pwconv2, host(b.gamma));
  return (x) => tf.add(x, m(norm(dw(x)))) as tf.Tensor4D;
}

function block(u: Uploader, b: nn.Module, path: string): Layer {
  if (b instanceof QuadraBlock) return quadraBlock(u, b);
  if (b instanceof ConvBlock) return convBlock(u, b);
  if (b instanceof SkipBlock) return (x) => x;
  throw new TfjsModelError(`tfjs peer: ${b.constructor.name} (${path}) has no tfjs translation; QuadraBlock, ConvBlock and SkipBlock do`);
}

function conv(u: Uploader, m: nn.Conv2d): Layer {
  const c = u.conv(m);
  const { stride = 1, padding = 0 } = m.opts;
  return (x) => tf.fused.conv2d({ x, filter: c.f, strides: stride, pad: padding === 0 ? 'valid' : padding, bias: c.b });
}

/** Uploads the model's weights once and returns its tfjs forward. */
export function tfjsQuadraNet(model: QuadraNet): TfjsModel {
  const u = new Uploader();
  try {
    const layers: Layer[] = [];
    model.downsample_layers.forEach((ds, i) => {
      const [a, b] = ds.layers;
      if (i === 0) {
        if (!(a instanceof nn.Conv2d) || !(b instanceof nn.LayerNorm)) throw new TfjsModelError('tfjs peer: downsample_layers.0 must be Conv2d then LayerNorm');
        const c = conv(u, a);
        const n = layerNorm(u, b);
        layers.push((x) => n(c(x)));
      } else {
        if (!(a instanceof nn.LayerNorm) || !(b instanceof nn.Conv2d)) throw new TfjsModelError(`tfjs peer: downsample_layers.${i} must be LayerNorm then Conv2d`);
        const n = layerNorm(u, a);
        const c = conv(u, b);
        layers.push((x) => c(n(x)));
      }
      model.stages[i].layers.forEach((blk, j) => layers.push(block(u, blk, `stages.${i}.${j}`)));
    });
    const norm = layerNorm(u, model.norm);
    const head = u.linear(model.head);
    const predict = (x: tf.Tensor4D): tf.Tensor2D => tf.tidy(() => {
      // One tidy per layer: a whole-model tidy would hold every intermediate until the end
      // (gigabytes for quadranet36_t at batch 8, past what the wasm heap may grow to).
      let h = x;
      for (const f of layers) {
        const next = tf.tidy(() => f(h));
        if (h !== x && h !== next) h.dispose(); // a skip block hands its input back
        h = next;
      }
      return tf.fused.matMul({ a: norm(tf.mean(h, [1, 2]) as tf.Tensor2D), b: head.w, bias: head.b }) as tf.Tensor2D;
    });
    return { predict, weightBytes: u.bytes, dispose: () => tf.dispose(u.tensors) };
  } catch (e) {
    tf.dispose(u.tensors);
    throw e;
  }
}
