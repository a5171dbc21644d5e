/** GELU (erf form, PyTorch's default). */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** 0.5·x·(1 + erf(x/√2)). @example const h = gelu(linear(x, w1, b1)); */
export function gelu(x: Tensor): Tensor {
  checkTensor('gelu: x', x);
  const y = emptyLike(x);
  kernels(x).Gelu(x.buf(), y.buf());
  record('Gelu', [x], [y], [x], ([g]) => {
    const dx = emptyLike(x);
    kernels(x).GeluGrad(x.buf(), g!.buf(), dx.buf());
    return [dx];
  });
  return y;
}
