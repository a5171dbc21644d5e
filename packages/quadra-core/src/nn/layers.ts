/** Layers over NHWC tensors. Weights: truncated normal std 0.02, biases zero (QuadraNet's init). */
import { ArgumentError, checkOptionKeys, optionKeys } from '../errors.js';
import { gelu } from '../ops/activation.js';
import { add, mul } from '../ops/binary.js';
import { conv2d, dwConv2d, quadConv2d } from '../ops/conv.js';
import { zeros } from '../ops/creation.js';
import { dropout, dropPath } from '../ops/dropout.js';
import { layerNorm } from '../ops/layer-norm.js';
import { linear } from '../ops/linear.js';
import type { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { ones_, truncNormal_ } from './init.js';
import { checkLastAxis, checkNhwc } from './input-checks.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

function positiveInt(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${op}: ${name} must be a positive integer, got ${v}`);
}

function weight(shape: number[], gen?: Generator): Parameter {
  return new Parameter(truncNormal_(zeros(shape), 0.02, gen));
}

const bias = (n: number) => new Parameter(zeros([n]));

export interface LayerOptions {
  bias?: boolean;
  generator?: Generator;
}

const LAYER_KEYS = optionKeys<LayerOptions>()('bias', 'generator');
const CONV_KEYS = optionKeys<LayerOptions & { stride?: number; padding?: number }>()('bias', 'generator', 'stride', 'padding');

/** y = x·Wᵀ + b; weight [out, in] as PyTorch. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LayerOptions = {}) {
    super();
    checkOptionKeys('Linear', opts, LAYER_KEYS);
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    this.weight = weight([outFeatures, inFeatures], opts.generator);
    this.bias = opts.bias === false ? null : bias(outFeatures);
  }
  override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'}`;
  }
  forward(x: Tensor): Tensor {
    checkLastAxis(x, this.inFeatures, 'features');
    return linear(x, this.weight, this.bias);
  }
}

/** Layer norm over the last (channel) axis. */
export class LayerNorm extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(readonly dim: number, readonly eps = 1e-6) {
    super();
    positiveInt('LayerNorm', 'dim', dim);
    this.weight = new Parameter(ones_(zeros([dim])));
    this.bias = bias(dim);
  }
  override extraRepr(): string {
    return `${this.dim}, eps=${this.eps < 1e-3 ? this.eps.toExponential() : this.eps}`;
  }
  forward(x: Tensor): Tensor {
    checkLastAxis(x, this.dim);
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

/** Dense conv, NHWC, weight OHWI [out, k, k, in]. */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, readonly opts: LayerOptions & { stride?: number; padding?: number } = {}) {
    super();
    checkOptionKeys('Conv2d', opts, CONV_KEYS);
    positiveInt('Conv2d', 'inChannels', inChannels);
    positiveInt('Conv2d', 'outChannels', outChannels);
    positiveInt('Conv2d', 'kernelSize', kernelSize);
    this.weight = weight([outChannels, kernelSize, kernelSize, inChannels], opts.generator);
    this.bias = opts.bias === false ? null : bias(outChannels);
  }
  override extraRepr(): string {
    const { stride = 1, padding = 0 } = this.opts;
    return `${this.inChannels}, ${this.outChannels}, k=${this.kernelSize}${stride !== 1 ? `, stride=${stride}` : ''}${padding ? `, padding=${padding}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
  forward(x: Tensor): Tensor {
    checkNhwc(x, this.inChannels);
    return conv2d(x, this.weight, this.bias, { stride: this.opts.stride ?? 1, padding: this.opts.padding ?? 0 });
  }
}

/** Depthwise k×k conv, stride 1, same padding; weight [k, k, C]. */
export class DepthwiseConv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly channels: number, readonly kernelSize = 7, opts: LayerOptions = {}) {
    super();
    checkOptionKeys('DepthwiseConv2d', opts, LAYER_KEYS);
    positiveInt('DepthwiseConv2d', 'channels', channels);
    if (kernelSize % 2 !== 1) throw new ArgumentError(`DepthwiseConv2d: kernelSize must be odd, got ${kernelSize}`);
    this.weight = weight([kernelSize, kernelSize, channels], opts.generator);
    this.bias = opts.bias === false ? null : bias(channels);
  }
  override extraRepr(): string {
    return `${this.channels}, k=${this.kernelSize}${this.bias ? '' : ', bias=false'}`;
  }
  forward(x: Tensor): Tensor {
    checkNhwc(x, this.channels);
    return dwConv2d(x, this.weight, this.bias, this.kernelSize);
  }
}

/**
 * The quadratic depthwise conv DWa(x) ⊙ DWb(x) + DWc(x) as one fused kernel. The three depthwise
 * convs are children conv1 (a), conv2 (b), conv3 (c), as in the PyTorch reference.
 */
export class QuadraConv2d extends Module {
  conv1: DepthwiseConv2d;
  conv2: DepthwiseConv2d;
  conv3: DepthwiseConv2d;
  /** Keep A and B from the forward (faster backward, more memory). */
  saveAB = false;
  constructor(readonly channels: number, readonly kernelSize = 7, opts: LayerOptions = {}) {
    super();
    checkOptionKeys('QuadraConv2d', opts, LAYER_KEYS);
    this.conv1 = new DepthwiseConv2d(channels, kernelSize, opts);
    this.conv2 = new DepthwiseConv2d(channels, kernelSize, opts);
    this.conv3 = new DepthwiseConv2d(channels, kernelSize, opts);
  }
  override extraRepr(): string {
    return `${this.channels}, k=${this.kernelSize}`;
  }
  forward(x: Tensor): Tensor {
    checkNhwc(x, this.channels);
    const p = { wa: this.conv1.weight, ba: this.conv1.bias, wb: this.conv2.weight, bb: this.conv2.bias, wc: this.conv3.weight, bc: this.conv3.bias };
    return quadConv2d(x, p, this.kernelSize, { saveAB: this.saveAB });
  }
}

/** The low-rank quadratic neuron as a dense layer: (Wa·x + ba) ⊙ (Wb·x + bb) + Wc·x + bc. */
export class QuadraLinear extends Module {
  a: Linear;
  b: Linear;
  c: Linear;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LayerOptions = {}) {
    super();
    checkOptionKeys('QuadraLinear', opts, LAYER_KEYS);
    this.a = new Linear(inFeatures, outFeatures, opts);
    this.b = new Linear(inFeatures, outFeatures, opts);
    this.c = new Linear(inFeatures, outFeatures, opts);
  }
  override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}`;
  }
  forward(x: Tensor): Tensor {
    checkLastAxis(x, this.inFeatures, 'features');
    const pa = this.a.forward(x);
    const pb = this.b.forward(x);
    const pc = this.c.forward(x);
    const ab = mul(pa, pb);
    const y = add(ab, pc);
    for (const t of [pa, pb, pc, ab]) t.dispose();
    return y;
  }
}

export class GELU extends Module {
  forward(x: Tensor): Tensor {
    return gelu(x);
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class Dropout extends Module {
  constructor(readonly p = 0.5, readonly generator?: Generator) {
    super();
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
}

/** Stochastic depth: drops a sample's residual branch with probability p while training. */
export class DropPath extends Module {
  constructor(readonly p = 0, readonly generator?: Generator) {
    super();
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
  forward(x: Tensor): Tensor {
    return dropPath(x, this.p, this.training, this.generator);
  }
}

/** Runs children in order; intermediate activations are released once the next one has run. */
export class Sequential extends Module {
  layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }
  /** Children are named 0, 1, … as in torch.nn.Sequential. */
  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const m of this.layers) {
      const next = m.forward(h);
      if (h !== x && next !== h) h.dispose();
      h = next;
    }
    return h;
  }
}
