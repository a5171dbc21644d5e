/**
 * TensorFlow.js peers for one block (NHWC): QuadraBlock and the ConvNeXt block written with
 * tfjs ops (layer norm from moments, erf GELU, matMul over [N·H·W, C]).
 */
import * as tf from '@tensorflow/tfjs';

import { tfGelu as gelu, tfLayerNorm } from './tfjs.js';

export type BlockKind = 'quadra' | 'conv';

interface Weights {
  [name: string]: tf.Tensor;
}

const layerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => tfLayerNorm(x, g, b, 1e-6);

function mlp(h: tf.Tensor, w: Weights, c: number, r: number): tf.Tensor {
  const rows = h.size / c;
  const a = tf.add(tf.matMul(tf.reshape(h, [rows, c]), w.w1), w.b1);
  return tf.reshape(tf.add(tf.matMul(gelu(a), w.w2), w.b2), h.shape);
}

function dw(x: tf.Tensor4D, f: tf.Tensor, b: tf.Tensor): tf.Tensor4D {
  return tf.add(tf.depthwiseConv2d(x, f as tf.Tensor4D, 1, 'same'), b);
}

/** Forward of one block with the given weights. */
function block(kind: BlockKind, x: tf.Tensor4D, w: Weights, c: number, r: number): tf.Tensor {
  if (kind === 'quadra') {
    const h = layerNorm(x, w.g1, w.be1) as tf.Tensor4D;
    const q = tf.add(tf.mul(dw(h, w.fa, w.ba), dw(h, w.fb, w.bb)), dw(h, w.fc, w.bc));
    const x1 = tf.add(x, tf.mul(q, w.gamma1));
    return tf.add(x1, tf.mul(mlp(layerNorm(x1, w.g2, w.be2), w, c, r), w.gamma2));
  }
  const h = layerNorm(dw(x, w.fa, w.ba), w.g1, w.be1);
  return tf.add(x, tf.mul(mlp(h, w, c, r), w.gamma1));
}

/** Forward and forward+backward closures; results are read with dataSync() inside the timing. */
export function tfBlock(kind: BlockKind, n: number, h: number, wd: number, c: number, k: number, r = 4) {
  const x = tf.randomNormal([n, h, wd, c], 0, 1, 'float32', 1) as tf.Tensor4D;
  const dy = tf.randomNormal([n, h, wd, c], 0, 1, 'float32', 2);
  const t = (shape: number[], s: number) => tf.randomNormal(shape, 0, 0.02, 'float32', s);
  const w: Weights = {
    g1: tf.ones([c]), be1: tf.zeros([c]), g2: tf.ones([c]), be2: tf.zeros([c]),
    fa: t([k, k, c, 1], 3), fb: t([k, k, c, 1], 4), fc: t([k, k, c, 1], 5),
    ba: tf.zeros([c]), bb: tf.zeros([c]), bc: tf.zeros([c]),
    w1: t([c, r * c], 6), b1: tf.zeros([r * c]), w2: t([r * c, c], 7), b2: tf.zeros([c]),
    gamma1: tf.fill([c], 0.5), gamma2: tf.fill([c], 0.5),
  };
  // tf.grads needs every argument on the path to the output: the ConvNeXt block uses a subset.
  const names = kind === 'quadra' ? Object.keys(w) : ['fa', 'ba', 'g1', 'be1', 'w1', 'b1', 'w2', 'b2', 'gamma1'];
  const forward = () => {
    tf.tidy(() => block(kind, x, w, c, r).dataSync());
  };
  const gradFn = tf.grads((...args: tf.Tensor[]) => {
    const ws: Weights = Object.fromEntries(names.map((nm, i) => [nm, args[i + 1]]));
    return tf.sum(tf.mul(block(kind, args[0] as tf.Tensor4D, ws, c, r), dy));
  });
  const forwardBackward = () => {
    tf.tidy(() => {
      for (const g of gradFn([x, ...names.map((nm) => w[nm])])) g.dataSync();
    });
  };
  const dispose = () => tf.dispose([x, dy, ...Object.values(w)]);
  return { forward, forwardBackward, dispose };
}
