/** Reference optimizer updates (PyTorch's AdamW and SGD formulas). */
import type { KernelTable } from '../../kernels/names.js';

export const optimRef: Pick<KernelTable, 'AdamW' | 'Sgd'> = {
  AdamW(p, g, m, v, h) {
    const bc1 = 1 - h.beta1 ** h.step;
    const bc2 = 1 - h.beta2 ** h.step;
    for (let i = 0; i < p.length; i++) {
      p[i] -= h.lr * h.weightDecay * p[i];
      m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
      v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
      const denom = Math.sqrt(v[i] / bc2) + h.eps;
      p[i] -= (h.lr / bc1) * (m[i] / denom);
    }
  },
  Sgd(p, g, buf, h) {
    for (let i = 0; i < p.length; i++) {
      let d = g[i] + h.weightDecay * p[i];
      if (buf) {
        buf[i] = h.step <= 1 ? d : h.momentum * buf[i] + (1 - h.dampening) * d;
        d = h.nesterov ? d + h.momentum * buf[i] : buf[i];
      }
      p[i] -= h.lr * d;
    }
  },
};
