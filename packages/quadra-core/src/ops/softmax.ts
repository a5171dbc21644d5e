/** Softmax and log-softmax over the last axis, and fused label-smoothed cross-entropy. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError, checkOptionKeys } from '../errors.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { fillTensor } from '../transfer.js';
import { mul } from './binary.js';
import { tensor } from './creation.js';
import { sum } from './reduce.js';
import { checkRank, checkTensor, rowsCols } from './util.js';

function softmaxOp(x: Tensor, log: boolean): Tensor {
  checkTensor(log ? 'logSoftmax: x' : 'softmax: x', x);
  const { rows, cols } = rowsCols(x);
  const y = emptyLike(x);
  kernels(x).Softmax(x.buf(), rows, cols, y.buf(), log);
  record(log ? 'LogSoftmax' : 'Softmax', [x], [y], [y], ([g]) => {
    const dx = emptyLike(x);
    kernels(x).SoftmaxGrad(y.buf(), g!.buf(), rows, cols, dx.buf(), log);
    return [dx];
  });
  return y;
}

/** exp(x) / Σ exp(x) over the last axis. */
export const softmax = (x: Tensor): Tensor => softmaxOp(x, false);
/** x − log Σ exp(x) over the last axis. */
export const logSoftmax = (x: Tensor): Tensor => softmaxOp(x, true);

export interface CrossEntropyOptions {
  /** PyTorch's label_smoothing: targets become (1−ε)·onehot + ε/C. */
  labelSmoothing?: number;
}

function checkLabels(labels: ArrayLike<number>, rows: number, cols: number): Int32Array {
  if (!labels || typeof labels.length !== 'number') throw new ArgumentError('crossEntropy: labels must be an array of class indices');
  if (labels.length !== rows) throw new ArgumentError(`crossEntropy: labels must have ${rows} entries (one per row of logits), got ${labels.length}`);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= cols) throw new ArgumentError(`crossEntropy: labels[${i}] must be an integer in [0, ${cols - 1}], got ${v}`);
    out[i] = v;
  }
  return out;
}

/**
 * Mean cross-entropy of logits [N, classes] against integer labels, fused with log-softmax.
 *
 * @example
 * const loss = crossEntropy(logits, [3, 1, 0], { labelSmoothing: 0.1 });
 */
export function crossEntropy(logits: Tensor, labels: ArrayLike<number>, opts: CrossEntropyOptions = {}): Tensor {
  checkTensor('crossEntropy: logits', logits);
  checkOptionKeys('crossEntropy', opts, ['labelSmoothing']);
  checkRank('crossEntropy', 'logits', logits, 2);
  const [rows, cols] = logits.shape;
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const lab = checkLabels(labels, rows, cols);
  const probs = emptyLike(logits);
  const loss = emptyLike(logits, []);
  const value = kernels(logits).CrossEntropy(logits.buf(), rows, cols, lab, eps, probs.buf());
  fillTensor(loss, value);
  record('CrossEntropy', [logits], [loss], [probs], ([g]) => {
    const dx = emptyLike(logits);
    if (logits.device === 'cpu') {
      kernels(logits).CrossEntropyGrad(probs.buf(), rows, cols, lab, eps, g!.data()[0] / rows, dx.buf());
      return [dx];
    }
    // The upstream gradient stays on the device: the mean's gradient, then one scalar multiply
    // (no download of g in the middle of the backward).
    const unit = emptyLike(logits);
    const K = kernels(logits);
    K.CrossEntropyGrad(probs.buf(), rows, cols, lab, eps, 1 / rows, unit.buf());
    K.Binary('mul', unit.buf(), g!.buf(), dx.buf(), 'scalar');
    unit.dispose();
    return [dx];
  });
  probs.dispose();
  return loss;
}

/**
 * Mean cross-entropy of logits [N, classes] against soft targets (one probability row per sample,
 * N × classes values, row-major): −(1/N) Σᵢ Σₖ targets[i,k] · logSoftmax(logits)[i,k], timm's
 * SoftTargetCrossEntropy (the loss of mixup/cutmix's mixed labels). Composed of logSoftmax, mul and
 * sum, so it runs and differentiates on every backend; the targets are constants (no gradient).
 *
 * @example
 * const loss = softCrossEntropy(logits, [0.9, 0.1, 0, 0.3, 0.7, 0]); // 2 rows, 3 classes
 */
export function softCrossEntropy(logits: Tensor, targets: ArrayLike<number>): Tensor {
  checkTensor('softCrossEntropy: logits', logits);
  checkRank('softCrossEntropy', 'logits', logits, 2);
  const [rows, cols] = logits.shape;
  if (!targets || typeof targets.length !== 'number') throw new ArgumentError('softCrossEntropy: targets must be an array of N × classes probabilities');
  if (targets.length !== rows * cols) throw new ArgumentError(`softCrossEntropy: targets must have ${rows * cols} values (${rows} rows × ${cols} classes), got ${targets.length}`);
  const t = logits.dtype === 'float64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < t.length; i++) {
    const v = targets[i];
    if (!(Number.isFinite(v) && v >= 0)) throw new ArgumentError(`softCrossEntropy: targets[${i}] must be a finite number >= 0, got ${v}`);
    t[i] = v;
  }
  const target = tensor(t, [rows, cols], { device: logits.device });
  const logp = logSoftmax(logits);
  const weighted = mul(logp, target);
  const total = sum(weighted);
  const loss = mul(total, -1 / rows);
  for (const x of [target, logp, weighted, total]) x.dispose();
  return loss;
}
