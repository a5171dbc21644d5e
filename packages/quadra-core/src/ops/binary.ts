/** add, sub, mul, div with NumPy broadcasting; a number operand becomes a scalar tensor. */
import { record } from '../autograd/node.js';
import type { BinaryOp } from '../kernels/names.js';
import { empty, type Tensor } from '../tensor.js';
import { fillTensor } from '../transfer.js';
import { binaryRaw } from './binary-raw.js';
import { sumTo } from './reduce.js';
import { checkSame, checkTensor } from './util.js';

export type Operand = Tensor | number;

function asTensor(v: Operand, like: Tensor): { t: Tensor; owned: boolean } {
  if (typeof v !== 'number') return { t: v, owned: false };
  const t = empty([], like.dtype, like.device);
  return { t: fillTensor(t, v), owned: true };
}

function binary(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const like = typeof a === 'number' ? checkTensor(`${op}: b`, b) : checkTensor(`${op}: a`, a);
  const A = asTensor(a, like);
  const B = asTensor(b, like);
  checkSame(op, { a: A.t, b: B.t });
  const y = binaryRaw(op, A.t, B.t);
  const saved = op === 'mul' || op === 'div' ? [A.t, B.t] : [];
  const ta = A.t;
  const tb = B.t;
  record(op[0].toUpperCase() + op.slice(1), [ta, tb], [y], saved, ([g]) => {
    const gy = g!;
    const ga = (() => {
      if (!ta.requiresGrad) return null;
      if (op === 'add' || op === 'sub') return sumTo(gy, ta.shape);
      const t = binaryRaw(op === 'mul' ? 'mul' : 'div', gy, tb);
      const r = sumTo(t, ta.shape);
      t.dispose();
      return r;
    })();
    const gb = (() => {
      if (!tb.requiresGrad) return null;
      if (op === 'add') return sumTo(gy, tb.shape);
      if (op === 'sub') {
        const neg = asTensor(-1, gy).t;
        const t = binaryRaw('mul', gy, neg);
        const r = sumTo(t, tb.shape);
        t.dispose();
        neg.dispose();
        return r;
      }
      if (op === 'mul') {
        const t = binaryRaw('mul', gy, ta);
        const r = sumTo(t, tb.shape);
        t.dispose();
        return r;
      }
      // d(a/b)/db = -a/b² = -y/b
      const q = binaryRaw('div', ta, tb);
      const t1 = binaryRaw('div', q, tb);
      const t2 = binaryRaw('mul', gy, t1);
      const neg = asTensor(-1, gy).t;
      const t3 = binaryRaw('mul', t2, neg);
      const r = sumTo(t3, tb.shape);
      for (const t of [q, t1, t2, neg, t3]) t.dispose();
      return r;
    })();
    return [ga, gb];
  });
  if (A.owned) A.t.dispose();
  if (B.owned) B.t.dispose();
  return y;
}

/** a + b (broadcasting). @example add(x, bias) */
export const add = (a: Operand, b: Operand): Tensor => binary('add', a, b);
/** a − b (broadcasting). */
export const sub = (a: Operand, b: Operand): Tensor => binary('sub', a, b);
/** a ⊙ b (broadcasting). @example mul(x, 0.5) */
export const mul = (a: Operand, b: Operand): Tensor => binary('mul', a, b);
/** a ⊘ b (broadcasting). */
export const div = (a: Operand, b: Operand): Tensor => binary('div', a, b);
