import { allocFloat32 } from './alloc.js';
import { runKernel } from './call-native.js';
import { ArgumentError, DTypeError, ShapeError } from './errors.js';
import {
  checkBool, checkDim, checkedProduct, checkF32, checkNoOverlap, checkNumber, checkSameOrNoOverlap, describe,
} from './validate.js';
import { checkOptions, optionKeys } from './options.js';

const SOFTMAX_KEYS = optionKeys<SoftmaxOptions>()('out', 'log');
const SOFTMAX_BACKWARD_KEYS = optionKeys<SoftmaxBackwardOptions>()('dx', 'log');
const CROSS_ENTROPY_KEYS = optionKeys<CrossEntropyOptions>()('smoothing', 'probs');
const CROSS_ENTROPY_BACKWARD_KEYS = optionKeys<CrossEntropyBackwardOptions>()('smoothing', 'scale', 'out');

export interface SoftmaxOptions {
  /** Buffer for the result [rows, cols]; may be x itself. Allocated when absent. */
  out?: Float32Array;
  /** Log-softmax instead of softmax. */
  log?: boolean;
}

export interface SoftmaxBackwardOptions {
  /** Buffer for dx [rows, cols]; may be dy itself. Allocated when absent. */
  dx?: Float32Array;
  /** y came from log-softmax. */
  log?: boolean;
}

/**
 * Row-wise softmax over the last axis of [rows, cols] (max-subtracted), or log-softmax with
 * `log: true`.
 *
 * @example
 * softmax(scores, 8 * 64 * 2 * 49, 49, { out: scores }); // attention weights, in place
 */
export function softmax(x: Float32Array, rows: number, cols: number, opts: SoftmaxOptions = {}): Float32Array {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  const n = checkedProduct('x', r, c);
  checkF32('x', x, n);
  const o = checkOptions<SoftmaxOptions>('softmax', 'opts', opts, SOFTMAX_KEYS);
  const log = checkBool('opts.log', o.log);
  const out = o.out === undefined ? allocFloat32(n) : checkF32('opts.out', o.out, n);
  checkSameOrNoOverlap('opts.out', out, 'x', x);
  runKernel((k) => k.Softmax(x, r, c, out, log));
  return out;
}

/**
 * Gradient of `softmax` from its output y: dx = y (dy - Σ dy y) per row; with `log: true` (y from
 * log-softmax), dx = dy - exp(y) Σ dy.
 */
export function softmaxBackward(
  y: Float32Array, dy: Float32Array, rows: number, cols: number, opts: SoftmaxBackwardOptions = {},
): Float32Array {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  const n = checkedProduct('y', r, c);
  checkF32('y', y, n);
  checkF32('dy', dy, n);
  const o = checkOptions<SoftmaxBackwardOptions>('softmaxBackward', 'opts', opts, SOFTMAX_BACKWARD_KEYS);
  const log = checkBool('opts.log', o.log);
  const dx = o.dx === undefined ? allocFloat32(n) : checkF32('opts.dx', o.dx, n);
  checkSameOrNoOverlap('opts.dx', dx, 'dy', dy);
  checkNoOverlap('opts.dx', dx, 'y', y);
  runKernel((k) => k.SoftmaxGrad(y, dy, r, c, dx, log));
  return dx;
}

export interface CrossEntropyOptions {
  /** Label smoothing ε in [0, 1] (PyTorch's label_smoothing). Default 0. */
  smoothing?: number;
  /** Buffer for the softmax probabilities [rows, cols]; may be logits itself. Allocated when absent. */
  probs?: Float32Array;
}

export interface CrossEntropyBackwardOptions {
  /** Label smoothing ε used by the forward. Default 0. */
  smoothing?: number;
  /** Multiplies the gradient (1 / rows for the mean loss's gradient times the upstream one). Default 1 / rows. */
  scale?: number;
  /** Buffer for dx [rows, cols]; may be probs itself. Allocated when absent. */
  out?: Float32Array;
}

function checkLabels(labels: unknown, rows: number, cols: number): Int32Array {
  if (!(labels instanceof Int32Array)) throw new DTypeError(`labels: expected an Int32Array, got ${describe(labels)}`);
  if (labels.length !== rows) throw new ShapeError(`labels: expected ${rows} elements (one per row), got ${labels.length}`);
  for (let r = 0; r < rows; r++) {
    if (labels[r] < 0 || labels[r] >= cols) throw new ArgumentError(`labels[${r}]: expected a class in [0, ${cols - 1}], got ${labels[r]}`);
  }
  return labels;
}

/** The checks both directions share: sizes, the [rows, cols] input `name`, labels, options, smoothing. */
function checkCrossEntropyCall<O extends { smoothing?: number }>(
  name: string, x: Float32Array, rows: number, cols: number, labels: unknown, opts: O,
): { r: number; c: number; n: number; lab: Int32Array; o: O; smoothing: number } {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  const n = checkedProduct(name, r, c);
  checkF32(name, x, n);
  const lab = checkLabels(labels, r, c);
  const o = checkOptions<O>(name === 'logits' ? 'crossEntropy' : 'crossEntropyBackward', 'opts', opts, name === 'logits' ? CROSS_ENTROPY_KEYS : CROSS_ENTROPY_BACKWARD_KEYS);
  let smoothing = 0;
  if (o.smoothing !== undefined) {
    smoothing = checkNumber('opts.smoothing', o.smoothing);
    if (!(smoothing >= 0 && smoothing <= 1)) throw new ArgumentError(`opts.smoothing: expected a number in [0, 1], got ${smoothing}`);
  }
  return { r, c, n, lab, o, smoothing };
}

/**
 * Mean label-smoothed cross-entropy of the rows of `logits` [rows, cols] against class `labels`:
 * loss = mean_r [-(1 - ε) log p[r, label] - ε / cols Σ_c log p[r, c]], p = softmax(logits).
 * Returns the loss and the probabilities the backward needs.
 *
 * @example
 * const { loss, probs } = crossEntropy(logits, 128, 10, labels, { smoothing: 0.1 });
 * const dlogits = crossEntropyBackward(probs, 128, 10, labels, { smoothing: 0.1 });
 */
export function crossEntropy(
  logits: Float32Array, rows: number, cols: number, labels: Int32Array, opts: CrossEntropyOptions = {},
): { loss: number; probs: Float32Array } {
  const { r, c, n, lab, o, smoothing } = checkCrossEntropyCall('logits', logits, rows, cols, labels, opts);
  const probs = o.probs === undefined ? allocFloat32(n) : checkF32('opts.probs', o.probs, n);
  checkSameOrNoOverlap('opts.probs', probs, 'logits', logits);
  const loss = runKernel((k) => k.CrossEntropy(logits, r, c, lab, smoothing, probs));
  return { loss, probs };
}

/** Gradient of the mean `crossEntropy` with respect to the logits: (probs - target) · scale. */
export function crossEntropyBackward(
  probs: Float32Array, rows: number, cols: number, labels: Int32Array, opts: CrossEntropyBackwardOptions = {},
): Float32Array {
  const { r, c, n, lab, o, smoothing } = checkCrossEntropyCall('probs', probs, rows, cols, labels, opts);
  const scale = o.scale === undefined ? 1 / r : checkNumber('opts.scale', o.scale);
  const out = o.out === undefined ? allocFloat32(n) : checkF32('opts.out', o.out, n);
  checkSameOrNoOverlap('opts.out', out, 'probs', probs);
  runKernel((k) => k.CrossEntropyGrad(probs, r, c, lab, smoothing, Math.fround(scale), out));
  return out;
}
