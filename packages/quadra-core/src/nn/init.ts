/** In-place initialisers (no tape). */
import { ArgumentError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { fillTensor, writeHost } from '../transfer.js';

/** Host values to write: the tensor's own view on cpu, a scratch array for a cuda tensor. */
const hostView = (t: Tensor) => (t.device === 'cpu' ? t.data() : new Float32Array(t.size));
const commit = (t: Tensor, d: ArrayLike<number>) => (t.device === 'cpu' ? t : writeHost(t, d as Float32Array));

let drawing = true;

/**
 * Builds modules inside `build` without drawing random initial values (their weights stay zero):
 * for counting a model's parameters and MACs at the cost of allocation only. Not for training.
 */
export function withoutInit<T>(build: () => T): T {
  const prev = drawing;
  drawing = false;
  try {
    return build();
  } finally {
    drawing = prev;
  }
}

/** Normal(0, std) redrawn outside [a, b] (timm's trunc_normal_: a=-2, b=2 absolute). */
export function truncNormal_(t: Tensor, std = 0.02, gen: Generator = defaultGenerator, a = -2, b = 2): Tensor {
  if (!(std > 0)) throw new ArgumentError(`truncNormal_: std must be > 0, got ${std}`);
  if (!drawing) return t;
  const d = hostView(t);
  for (let i = 0; i < d.length; i++) {
    let v: number;
    do v = std * gen.normal();
    while (v < a || v > b);
    d[i] = v;
  }
  return commit(t, d);
}

export function zeros_(t: Tensor): Tensor {
  return fillTensor(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return fillTensor(t, 1);
}

export function constant_(t: Tensor, v: number): Tensor {
  return fillTensor(t, v);
}

/** Glorot uniform: U(−a, a), a = gain·sqrt(6 / (fanIn + fanOut)); fans as PyTorch computes them. */
export function xavierUniform_(t: Tensor, gain = 1, gen: Generator = defaultGenerator): Tensor {
  if (t.ndim < 2) throw new ArgumentError(`xavierUniform_: needs at least 2 dimensions, got [${t.shape.join(', ')}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  const fanIn = t.shape[1] * receptive;
  const fanOut = t.shape[0] * receptive;
  if (!drawing) return t;
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  const d = hostView(t);
  for (let i = 0; i < d.length; i++) d[i] = (2 * gen.uniform() - 1) * bound;
  return commit(t, d);
}
