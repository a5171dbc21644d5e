/**
 * Our layers as ONNX nodes over an NHWC value (the blocks' layout). Initializers carry the
 * PyTorch state dict's names and layouts (OIHW and [C, 1, k, k] convs, [out, in] Linear weights),
 * so the file's weights are the ones `quadra export --pytorch` writes.
 */
import { nn, type Tensor } from '@quadranet/core';
import { toPyTorchStateDict } from './pytorch.js';
import { ExportError } from './onnx-errors.js';
import type { OnnxGraph } from './onnx-graph.js';

export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

/** The model's state dict in PyTorch layout, read once, added to the graph on first use. */
export class Weights {
  private readonly dict: Map<string, Tensor>;
  private readonly added = new Map<string, string>();
  constructor(private readonly g: OnnxGraph, model: nn.Module) {
    this.dict = toPyTorchStateDict(model);
  }
  get(name: string): string {
    let v = this.added.get(name);
    if (v === undefined) {
      const t = this.dict.get(name);
      if (!t) throw new ExportError(`ONNX export: the model has no parameter '${name}'`);
      v = this.g.float(name, t.dataSync() as Float32Array, t.shape);
      this.added.set(name, v);
    }
    return v;
  }
  has(name: string): boolean {
    return this.dict.has(name);
  }
}

export interface Ctx {
  g: OnnxGraph;
  w: Weights;
}

const key = (path: string, k: string) => (path ? `${path}.${k}` : k);

/** LayerNormalization over the last axis (opset 17). */
export function layerNorm({ g, w }: Ctx, x: string, m: nn.LayerNorm, path: string): string {
  return g.op('LayerNormalization', [x, w.get(key(path, 'weight')), w.get(key(path, 'bias'))], path, { axis: -1, epsilon: { f: m.eps } });
}

/** x·Wᵀ + b with W [out, in] as stored: Transpose (folded by runtimes) → MatMul → Add. */
export function linear({ g, w }: Ctx, x: string, m: nn.Linear, path: string): string {
  const wt = g.op('Transpose', [w.get(key(path, 'weight'))], `${path}.weight_t`, { perm: [1, 0] });
  const y = g.op('MatMul', [x, wt], `${path}.matmul`);
  return m.bias ? g.op('Add', [y, w.get(key(path, 'bias'))], path) : y;
}

/** GELU, erf form: x · 0.5 · (1 + erf(x / √2)) as Div, Erf, Add, Mul, Mul. */
export function gelu({ g }: Ctx, x: string, hint: string): string {
  const d = g.op('Div', [x, g.scalar(Math.SQRT2)], `${hint}.div`);
  const e = g.op('Erf', [d], `${hint}.erf`);
  const a = g.op('Add', [e, g.scalar(1)], `${hint}.add`);
  const m = g.op('Mul', [x, a], `${hint}.mul`);
  return g.op('Mul', [m, g.scalar(0.5)], hint);
}

/** Depthwise k×k conv, same padding, on an NCHW value (group = C). */
export function depthwiseNchw({ g, w }: Ctx, x: string, m: nn.DepthwiseConv2d, path: string): string {
  const p = (m.kernelSize - 1) / 2;
  const inputs = [x, w.get(key(path, 'weight')), ...(m.bias ? [w.get(key(path, 'bias'))] : [])];
  return g.op('Conv', inputs, path, { group: m.channels, kernel_shape: [m.kernelSize, m.kernelSize], pads: [p, p, p, p], strides: [1, 1] });
}

/** Dense conv on an NCHW value. */
export function convNchw({ g, w }: Ctx, x: string, m: nn.Conv2d, path: string): string {
  const { stride = 1, padding = 0 } = m.opts;
  const k = m.kernelSize;
  const inputs = [x, w.get(key(path, 'weight')), ...(m.bias ? [w.get(key(path, 'bias'))] : [])];
  return g.op('Conv', inputs, path, { kernel_shape: [k, k], pads: [padding, padding, padding, padding], strides: [stride, stride] });
}

export function transpose({ g }: Ctx, x: string, perm: number[], hint: string): string {
  return g.op('Transpose', [x], hint, { perm });
}

/** An NCHW op applied to an NHWC value: Transpose → f → Transpose. */
export function viaNchw(c: Ctx, x: string, hint: string, f: (nchw: string) => string): string {
  return transpose(c, f(transpose(c, x, TO_NCHW, `${hint}.to_nchw`)), TO_NHWC, `${hint}.to_nhwc`);
}

/** pwconv2(GELU(pwconv1(x))) with the block's names for the two Linears. */
export function mlp(c: Ctx, x: string, fc1: nn.Linear, fc2: nn.Linear, path1: string, path2: string): string {
  return linear(c, gelu(c, linear(c, x, fc1, path1), `${path1}.gelu`), fc2, path2);
}

/** x + γ ⊙ branch (layer scale as Mul); without γ, x + branch. */
export function residual({ g, w }: Ctx, x: string, branch: string, gammaKey: string | null, hint: string): string {
  const b = gammaKey ? g.op('Mul', [branch, w.get(gammaKey)], `${hint}.scale`) : branch;
  return g.op('Add', [x, b], hint);
}
