/**
 * QuadraNet (reference `QuadraNet`), NHWC: stem conv + LN, four stages of blocks with widths
 * [C, 2C, 4C, 8C], downsampling LN + conv 2×2/2 between stages, head mean → LN → Linear.
 * The same macro design with other block kinds gives the ConvNeXt-, HorNet- and Swin-style baselines.
 * Parameter names follow the PyTorch state dict (downsample_layers.i.j, stages.i.j, norm, head).
 */
import { ArgumentError, checkOptionKeys, globalAvgPool, nn, optionKeys, type Tensor } from '@quadranet/core';
import { BLOCKS, type BlockBuilder, type BlockKind } from '../blocks/registry.js';
import { predictLogits, type PredictInput } from '../infer/model-predict.js';
import { closeModelPredictor, predictAsyncOn, type PredictAsyncOptions } from '../infer/predictor.js';
import { moduleMacs } from './macs.js';

export interface StemOptions {
  kernel: number;
  stride: number;
  padding: number;
}

export interface QuadraNetOptions {
  depths: number[];
  /** Stage widths, e.g. [64, 128, 256, 512]. */
  dims: number[];
  numClasses?: number;
  inChannels?: number;
  /** Depthwise kernel size per stage (default 7). */
  kernelSizes?: number[];
  /** MLP expansion per stage (default 4). */
  expansions?: number[];
  /** Depthwise kernel size per block, one list per stage (overrides kernelSizes; a searched architecture's choices). */
  layerKernelSizes?: number[][];
  /** MLP expansion per block, one list per stage (overrides expansions). */
  layerExpansions?: number[][];
  /** Stochastic depth: rates rise linearly from 0 to this over all blocks. */
  dropPathRate?: number;
  layerScaleInit?: number;
  /** Multiplies the head's initial weight and bias. */
  headInitScale?: number;
  /** Stem conv: the default is the patchify 4×4/4; `SMALL_IMAGE_STEM` keeps 28×28 / 32×32 inputs at full size. */
  stem?: StemOptions;
  /** Block kind for every stage, or per stage. */
  block?: BlockKind | BlockKind[];
  /** Per-block override (the NAS picks a block per layer): return null to use `block`. */
  chooseBlock?: (stage: number, index: number, dim: number) => nn.Module | null;
}

/** A 3×3 stride-1 stem for small images (Fashion-MNIST, CIFAR). */
export const SMALL_IMAGE_STEM: StemOptions = { kernel: 3, stride: 1, padding: 1 };
export const PATCH4_STEM: StemOptions = { kernel: 4, stride: 4, padding: 0 };

export interface LayerSummary {
  name: string;
  /** Output [H, W, C] for batch 1. */
  output: [number, number, number];
  params: number;
  macs: number;
}

export interface ModelSummary {
  layers: LayerSummary[];
  params: number;
  macs: number;
}

/** The keys QuadraNetOptions accepts (an unknown one is an ArgumentError naming it). */
export const QUADRANET_OPTION_KEYS = optionKeys<QuadraNetOptions>()(
  'depths', 'dims', 'numClasses', 'inChannels', 'kernelSizes', 'expansions', 'layerKernelSizes', 'layerExpansions', 'dropPathRate', 'layerScaleInit', 'headInitScale',
  'stem', 'block', 'chooseBlock',
);

const MAX_DEPTH = 1024;
const MAX_DIM = 65536;

function perStage<T>(name: string, v: T | T[] | undefined, fallback: T, stages: number): T[] {
  if (v === undefined) return new Array<T>(stages).fill(fallback);
  if (!Array.isArray(v)) return new Array<T>(stages).fill(v);
  if (v.length !== stages) throw new ArgumentError(`QuadraNet: ${name} needs one value per stage (${stages}), got ${v.length}`);
  return v;
}

/** A per-block list of lists: one list per stage, one positive integer per block. */
function perLayer(name: string, v: number[][] | undefined, depths: number[]): number[][] | undefined {
  if (v === undefined) return undefined;
  const ok = Array.isArray(v) && v.length === depths.length
    && v.every((l, i) => Array.isArray(l) && l.length === depths[i] && l.every((x) => Number.isInteger(x) && x >= 1));
  if (!ok) throw new ArgumentError(`QuadraNet: ${name} needs one list per stage with one positive integer per block (depths [${depths}]), got ${JSON.stringify(v)}`);
  return v.map((l) => [...l]);
}

export class QuadraNet extends nn.Module {
  downsample_layers: nn.Sequential[];
  stages: nn.Sequential[];
  norm: nn.LayerNorm;
  head: nn.Linear;
  readonly options: Required<Omit<QuadraNetOptions, 'chooseBlock' | 'block' | 'layerKernelSizes' | 'layerExpansions'>>
    & { block: BlockKind[]; layerKernelSizes?: number[][]; layerExpansions?: number[][] };

  constructor(opts: QuadraNetOptions) {
    super();
    checkOptionKeys('QuadraNet', opts, QUADRANET_OPTION_KEYS);
    const { depths, dims } = opts;
    if (!Array.isArray(depths) || !Array.isArray(dims) || depths.length !== dims.length || depths.length === 0) {
      throw new ArgumentError('QuadraNet: depths and dims must be arrays of the same non-zero length');
    }
    if (![...depths, ...dims].every((v) => Number.isInteger(v) && v >= 0) || dims.some((d) => d < 1)) {
      throw new ArgumentError(`QuadraNet: depths must be non-negative integers and dims positive, got depths [${depths}] dims [${dims}]`);
    }
    // bounds far above any real network, so a malformed config fails at once instead of building forever
    if (depths.some((d) => d > MAX_DEPTH) || dims.some((d) => d > MAX_DIM)) {
      throw new ArgumentError(`QuadraNet: depths must be at most ${MAX_DEPTH} blocks per stage and dims at most ${MAX_DIM}, got depths [${depths}] dims [${dims}]`);
    }
    const S = depths.length;
    const numClasses = opts.numClasses ?? 1000;
    const inChannels = opts.inChannels ?? 3;
    const kernelSizes = perStage('kernelSizes', opts.kernelSizes, 7, S);
    const expansions = perStage('expansions', opts.expansions, 4, S);
    const layerKernelSizes = perLayer('layerKernelSizes', opts.layerKernelSizes, depths);
    const layerExpansions = perLayer('layerExpansions', opts.layerExpansions, depths);
    const blocks = perStage<BlockKind>('block', opts.block, 'quadra', S);
    for (const b of blocks) if (!(b in BLOCKS)) throw new ArgumentError(`QuadraNet: unknown block kind '${b}' (${Object.keys(BLOCKS).join(', ')})`);
    const intAtLeast = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;
    for (const [name, v] of [['numClasses', [numClasses]], ['inChannels', [inChannels]], ['kernelSizes', kernelSizes], ['expansions', expansions]] as const) {
      if (!v.every((x) => intAtLeast(x, 1))) throw new ArgumentError(`QuadraNet: ${name} must be positive integers, got ${JSON.stringify(opts[name])}`);
    }
    const stem = opts.stem ?? PATCH4_STEM;
    if (stem === null || typeof stem !== 'object' || !intAtLeast(stem.kernel, 1) || !intAtLeast(stem.stride, 1) || !intAtLeast(stem.padding, 0)) {
      throw new ArgumentError(`QuadraNet: stem must be {kernel, stride} positive integers and padding an integer >= 0, got ${JSON.stringify(stem)}`);
    }
    const dpr = opts.dropPathRate ?? 0;
    const lsInit = opts.layerScaleInit ?? 1e-6;
    this.options = {
      depths, dims, numClasses, inChannels, kernelSizes, expansions, dropPathRate: dpr, layerScaleInit: lsInit,
      headInitScale: opts.headInitScale ?? 1, stem, block: blocks,
      ...(layerKernelSizes ? { layerKernelSizes } : {}), ...(layerExpansions ? { layerExpansions } : {}),
    };
    this.downsample_layers = [new nn.Sequential(
      new nn.Conv2d(inChannels, dims[0], stem.kernel, { stride: stem.stride, padding: stem.padding }),
      new nn.LayerNorm(dims[0], 1e-6),
    )];
    for (let i = 1; i < S; i++) {
      this.downsample_layers.push(new nn.Sequential(new nn.LayerNorm(dims[i - 1], 1e-6), new nn.Conv2d(dims[i - 1], dims[i], 2, { stride: 2 })));
    }
    const total = depths.reduce((a, b) => a + b, 0);
    let at = 0;
    this.stages = dims.map((dim, i) => {
      const list: nn.Module[] = [];
      for (let j = 0; j < depths[i]; j++, at++) {
        const rate = total > 1 ? (dpr * at) / (total - 1) : 0;
        const chosen = opts.chooseBlock?.(i, j, dim) ?? null;
        const build: BlockBuilder = BLOCKS[blocks[i]];
        list.push(chosen ?? build(dim, { stage: i, index: j, kernelSize: layerKernelSizes?.[i][j] ?? kernelSizes[i], expansion: layerExpansions?.[i][j] ?? expansions[i], dropPath: rate, layerScaleInit: lsInit }));
      }
      return new nn.Sequential(...list);
    });
    this.norm = new nn.LayerNorm(dims[S - 1], 1e-6);
    this.head = new nn.Linear(dims[S - 1], numClasses);
    const hs = this.options.headInitScale;
    if (hs !== 1) for (const p of this.head.parameters()) p.data().set(p.data().map((v) => v * hs));
  }

  /** Features before the head: [N, C_last] after the global mean. */
  forwardFeatures(x: Tensor): Tensor {
    nn.checkNhwc(x, this.options.inChannels);
    let h = x;
    for (let i = 0; i < this.stages.length; i++) {
      const d = this.downsample_layers[i].forward(h);
      if (h !== x) h.dispose();
      const s = this.stages[i].forward(d);
      if (s !== d) d.dispose();
      h = s;
    }
    const pooled = globalAvgPool(h);
    if (h !== x) h.dispose();
    return pooled;
  }

  override extraRepr(): string {
    const o = this.options;
    return `depths=[${o.depths.join(', ')}], dims=[${o.dims.join(', ')}], classes=${o.numClasses}`;
  }

  /** Logits [N, numClasses] for NHWC images [N, H, W, inChannels]. */
  forward(x: Tensor): Tensor {
    const f = this.forwardFeatures(x);
    const n = this.norm.forward(f);
    f.dispose();
    const y = this.head.forward(n);
    n.dispose();
    return y;
  }

  /**
   * Logits (row-major [N, numClasses]) for NHWC images (a float32 Tensor or `{ data, shape }`), in
   * eval mode (each module's mode is restored after) without gradients; no tensor outlives the call.
   * @example const logits = model.predict({ data: pixels, shape: [1, 28, 28, 1] });
   */
  predict(x: PredictInput): Float32Array {
    return predictLogits(this, x);
  }

  /**
   * The same logits, bit for bit, computed on a worker thread (cpu models): the event loop stays
   * free. Requests queue in call order; weights changed since the last call are sent first (this
   * compares the weights with a kept copy at each call: for fixed weights, createPredictor(model,
   * { followWeights: false }) skips that). infer/predictor.ts has the design (threads, cancellation).
   * @example const logits = await model.predictAsync({ data: pixels, shape: [8, 28, 28, 1] }, { timeoutMs: 1000 });
   */
  predictAsync(x: PredictInput, opts?: PredictAsyncOptions): Promise<Float32Array> {
    return predictAsyncOn(this, x, opts);
  }

  /** Frees the parameters and terminates the worker predictAsync started, if any. */
  override dispose(): void {
    void closeModelPredictor(this);
    super.dispose();
  }

  /** Parameters and MACs per layer for an H×W input (batch 1), without running the model. */
  summary(h = 224, w = h): ModelSummary {
    const layers: LayerSummary[] = [];
    const count = (m: nn.Module) => m.parameters().reduce((a, p) => a + p.size, 0);
    let H = h;
    let W = w;
    const st = this.options.stem;
    for (let i = 0; i < this.stages.length; i++) {
      const ds = this.downsample_layers[i];
      let macs = 0;
      for (const m of ds.layers) macs += moduleMacs(m, H, W);
      if (i === 0) {
        H = Math.floor((H + 2 * st.padding - st.kernel) / st.stride) + 1;
        W = Math.floor((W + 2 * st.padding - st.kernel) / st.stride) + 1;
      } else {
        H = Math.floor(H / 2);
        W = Math.floor(W / 2);
      }
      if (H < 1 || W < 1) throw new ArgumentError(`summary: a ${h}×${w} input leaves no pixels after downsample_layers.${i}`);
      const C = this.options.dims[i];
      layers.push({ name: `downsample_layers.${i}`, output: [H, W, C], params: count(ds), macs });
      this.stages[i].layers.forEach((b, j) => layers.push({ name: `stages.${i}.${j}`, output: [H, W, C], params: count(b), macs: moduleMacs(b, H, W) }));
    }
    const C = this.options.dims[this.options.dims.length - 1];
    layers.push({ name: 'norm', output: [1, 1, C], params: count(this.norm), macs: 0 });
    layers.push({ name: 'head', output: [1, 1, this.options.numClasses], params: count(this.head), macs: moduleMacs(this.head, 1, 1) });
    return { layers, params: layers.reduce((a, l) => a + l.params, 0), macs: layers.reduce((a, l) => a + l.macs, 0) };
  }
}
