/** The k most probable classes of each row of logits (softmax probabilities). */
import { ArgumentError } from '@quadranet/core';

export interface ClassScore {
  index: number;
  prob: number;
  /** The class's name where the checkpoint has names. */
  name?: string;
}

export function topK(logits: ArrayLike<number>, classes: number, k: number, names?: readonly string[]): ClassScore[][] {
  if (!Number.isInteger(k) || k < 1) throw new ArgumentError(`--top-k must be a positive integer, got ${k}`);
  const rows: ClassScore[][] = [];
  for (let r = 0; r * classes < logits.length; r++) {
    const row = Array.from({ length: classes }, (_, i) => logits[r * classes + i]);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    const order = e.map((v, i) => i).sort((a, b) => e[b] - e[a] || a - b).slice(0, Math.min(k, classes));
    rows.push(order.map((index) => ({ index, prob: e[index] / sum, ...(names?.[index] !== undefined ? { name: names[index] } : {}) })));
  }
  return rows;
}
