/** Native elementwise kernels, reductions and optimizer steps from @quadranet/lib. */
import { adamwStep, axpy, biasGelu, binary, gelu, geluBackward, scale, scaleAdd, scaleAddBackward, sgdStep, sumRows } from '@quadranet/lib';
import type { KernelTable } from '../../kernels/names.js';
import { f32, f32n } from './cast.js';

export const elementwiseCpu: Pick<KernelTable, 'Axpy' | 'Scale' | 'Binary' | 'Gelu' | 'BiasGelu' | 'GeluGrad' | 'ScaleAdd' | 'ScaleAddGrad' | 'SumRows' | 'AdamW' | 'Sgd'> = {
  Axpy(alpha, x, y) {
    axpy(alpha, f32(x), f32(y));
  },
  Scale(x, alpha, out) {
    scale(f32(x), alpha, f32(out));
  },
  Binary(op, a, b, out, mode) {
    binary(op, f32(a), f32(b), f32(out), mode);
  },
  Gelu(x, y) {
    gelu(f32(x), { out: f32(y) });
  },
  BiasGelu(h, bias, cols, y) {
    if (bias) biasGelu(f32(h), f32(bias), cols, { out: f32(y) });
    else gelu(f32(h), { out: f32(y) });
  },
  GeluGrad(x, dy, dx) {
    geluBackward(f32(x), f32(dy), { out: f32(dx) });
  },
  ScaleAdd(x, z, gamma, cols, out) {
    scaleAdd(f32(x), f32(z), f32(gamma), cols, f32(out));
  },
  ScaleAddGrad(z, gamma, dy, cols, dz, dgamma) {
    scaleAddBackward(f32(z), f32(gamma), f32(dy), cols, { dz: f32n(dz), dgamma: f32n(dgamma) });
  },
  SumRows(x, rows, cols, out) {
    sumRows(f32(x), rows, cols, f32(out));
  },
  AdamW(p, g, m, v, h) {
    adamwStep(f32(p), f32(g), f32(m), f32(v), h);
  },
  Sgd(p, g, buf, h) {
    sgdStep(f32(p), f32(g), buf ? f32(buf) : undefined, { ...h, firstStep: h.step <= 1 });
  },
};
