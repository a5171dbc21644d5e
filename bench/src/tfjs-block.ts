/**
 * TensorFlow.js peers for one block (NHWC): QuadraBlock and the ConvNeXt block written the fastest
 * way a tfjs user would: tf.fused.depthwiseConv2d and tf.fused.matMul with their biases in the
 * kernel (tfjs has no fused GELU or layer norm: GELU in erf form and layer norm from moments are
 * tf ops), weights uploaded once. They take our block's weights, so their output can be checked
 * against ours.
 */
import * as tf from '@tensorflow/tfjs';

import { readResult, tfDepthwise, tfGelu as gelu, tfLayerNorm } from './tfjs.js';

export type BlockKind = 'quadra' | 'conv';

interface Weights {
  [name: string]: tf.Tensor;
}

/** A parameter of our block: its values and our shape. */
export interface OurParam {
  data: Float32Array;
  shape: readonly number[];
}

const layerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => tfLayerNorm(x, g, b, 1e-6);

function mlp(h: tf.Tensor, w: Weights, c: number): tf.Tensor {
  const rows = h.size / c;
  const a = tf.fused.matMul({ a: tf.reshape(h, [rows, c]) as tf.Tensor2D, b: w.w1 as tf.Tensor2D, bias: w.b1 });
  return tf.reshape(tf.fused.matMul({ a: gelu(a), b: w.w2 as tf.Tensor2D, bias: w.b2 }), h.shape);
}

/** Forward of one block with the given weights. */
function block(kind: BlockKind, x: tf.Tensor4D, w: Weights, c: number): tf.Tensor {
  if (kind === 'quadra') {
    const h = layerNorm(x, w.g1, w.be1) as tf.Tensor4D;
    const q = tf.add(tf.mul(tfDepthwise(h, w.fa as tf.Tensor4D, w.ba), tfDepthwise(h, w.fb as tf.Tensor4D, w.bb)), tfDepthwise(h, w.fc as tf.Tensor4D, w.bc));
    const x1 = tf.add(x, tf.mul(q, w.gamma1));
    return tf.add(x1, tf.mul(mlp(layerNorm(x1, w.g2, w.be2), w, c), w.gamma2));
  }
  const h = layerNorm(tfDepthwise(x, w.fa as tf.Tensor4D, w.ba), w.g1, w.be1);
  return tf.add(x, tf.mul(mlp(h, w, c), w.gamma1));
}

/** tfjs weight name → our parameter name, per block kind. */
const NAMES: Record<BlockKind, Record<string, string>> = {
  quadra: {
    g1: 'norm1.weight', be1: 'norm1.bias', fa: 'QuadraConv.conv1.weight', ba: 'QuadraConv.conv1.bias', fb: 'QuadraConv.conv2.weight',
    bb: 'QuadraConv.conv2.bias', fc: 'QuadraConv.conv3.weight', bc: 'QuadraConv.conv3.bias', g2: 'norm2.weight', be2: 'norm2.bias',
    w1: 'pwconv1.weight', b1: 'pwconv1.bias', w2: 'pwconv2.weight', b2: 'pwconv2.bias', gamma1: 'gamma1', gamma2: 'gamma2',
  },
  conv: {
    fa: 'dwconv.weight', ba: 'dwconv.bias', g1: 'norm.weight', be1: 'norm.bias',
    w1: 'pwconv1.weight', b1: 'pwconv1.bias', w2: 'pwconv2.weight', b2: 'pwconv2.bias', gamma1: 'gamma',
  },
};

/** Uploads our block's parameters in tfjs's layouts: depthwise [k,k,C] → [k,k,C,1], Linear [out,in] → [in,out]. */
function upload(kind: BlockKind, params: Map<string, OurParam>): Weights {
  const w: Weights = {};
  for (const [tfName, ours] of Object.entries(NAMES[kind])) {
    const p = params.get(ours);
    if (!p) throw new Error(`tfjs ${kind} block: our block has no parameter '${ours}'`);
    const t = tf.tensor(p.data, [...p.shape]);
    if (tfName.startsWith('f')) w[tfName] = tf.reshape(t, [...p.shape, 1]);
    else if (tfName === 'w1' || tfName === 'w2') w[tfName] = tf.transpose(t);
    else {
      w[tfName] = t;
      continue;
    }
    t.dispose();
  }
  return w;
}

/**
 * Forward and forward+backward closures (results read with dataSync() inside the timing) and the
 * forward's output for the numerics check, on x and dy [n, h, w, c].
 */
export function tfBlock(kind: BlockKind, n: number, h: number, wd: number, c: number, params: Map<string, OurParam>, xs: Float32Array, dys: Float32Array) {
  const x = tf.tensor4d(xs, [n, h, wd, c]);
  const dy = tf.tensor4d(dys, [n, h, wd, c]);
  const w = upload(kind, params);
  // Gradients of the weights only, as ours and PyTorch's training step (x needs none)
  const names = Object.keys(w);
  const output = () => readResult(() => block(kind, x, w, c));
  const forward = () => {
    output();
  };
  const gradFn = tf.grads((...args: tf.Tensor[]) => {
    const ws: Weights = Object.fromEntries(names.map((nm, i) => [nm, args[i]]));
    return tf.sum(tf.mul(block(kind, x, ws, c), dy));
  });
  const forwardBackward = () => {
    tf.tidy(() => {
      for (const g of gradFn(names.map((nm) => w[nm]))) g.dataSync();
    });
  };
  const dispose = () => tf.dispose([x, dy, ...Object.values(w)]);
  return { forward, forwardBackward, output, dispose };
}
