/**
 * A QuadraNet as an ONNX ModelProto: NCHW `input` [N, C, H, W] → `logits` [N, classes].
 * Stem conv (NCHW) → NHWC for the LayerNorms and blocks; downsampling LN → conv 2×2/2 (NCHW);
 * GlobalAveragePool → LN → Gemm head. Weights are the PyTorch state dict (names and layouts).
 */
import { ArgumentError } from '@quadranet/core';
import type { QuadraNet } from '../model/quadranet.js';
import { VERSION } from '../version.js';
import { exportBlock } from './onnx-blocks.js';
import { OnnxGraph, type Dim, type ModelProto } from './onnx-graph.js';
import { convNchw, layerNorm, transpose, TO_NCHW, TO_NHWC, Weights, type Ctx } from './onnx-layers.js';

/** Opsets the exporter writes (LayerNormalization needs 17) and onnxruntime 1.30 runs. */
export const ONNX_OPSETS = { min: 17, max: 21 } as const;

export interface OnnxGraphOptions {
  /** Input height and width. */
  height: number;
  width: number;
  /** A fixed batch size, or 'dynamic' for a symbolic `N` (default 1). */
  batch?: number | 'dynamic';
  opset?: number;
  /** Written as the model's metadata_props. */
  metadata?: Record<string, string>;
}

function checkOptions(o: OnnxGraphOptions): { batch: Dim; opset: number } {
  const opset = o.opset ?? 17;
  if (!Number.isInteger(opset) || opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max) {
    throw new ArgumentError(`ONNX export: opset must be an integer from ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}, got ${opset}`);
  }
  const b = o.batch ?? 1;
  if (b !== 'dynamic' && (!Number.isInteger(b) || b < 1)) throw new ArgumentError(`ONNX export: batch must be a positive integer or 'dynamic', got ${b}`);
  for (const [k, v] of [['height', o.height], ['width', o.width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`ONNX export: ${k} must be a positive integer, got ${v}`);
  }
  return { batch: b === 'dynamic' ? 'N' : b, opset };
}

/** The model (in eval mode: drop path is absent from the graph) as an ONNX ModelProto. */
export function quadraNetToOnnx(model: QuadraNet, o: OnnxGraphOptions): ModelProto {
  const { batch, opset } = checkOptions(o);
  const opts = model.options;
  const g = new OnnxGraph();
  const c: Ctx = { g, w: new Weights(g, model) };
  const input = g.fresh('input');
  let H = o.height, W = o.width;
  const st = opts.stem;
  let x = '';
  for (let i = 0; i < model.stages.length; i++) {
    const [a, b] = model.downsample_layers[i].layers as [never, never];
    const p = `downsample_layers.${i}`;
    if (i === 0) {
      x = layerNorm(c, transpose(c, convNchw(c, input, a, `${p}.0`), TO_NHWC, `${p}.0.to_nhwc`), b, `${p}.1`);
      H = Math.floor((H + 2 * st.padding - st.kernel) / st.stride) + 1;
      W = Math.floor((W + 2 * st.padding - st.kernel) / st.stride) + 1;
    } else {
      const n = transpose(c, layerNorm(c, x, a, `${p}.0`), TO_NCHW, `${p}.0.to_nchw`);
      x = transpose(c, convNchw(c, n, b, `${p}.1`), TO_NHWC, `${p}.1.to_nhwc`);
      H = Math.floor(H / 2);
      W = Math.floor(W / 2);
    }
    if (H < 1 || W < 1) throw new ArgumentError(`ONNX export: a ${o.height}×${o.width} input leaves no pixels at stage ${i}`);
    model.stages[i].layers.forEach((blk, j) => {
      x = exportBlock(c, x, blk, `stages.${i}.${j}`, { h: H, w: W });
    });
  }
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [transpose(c, x, TO_NCHW, 'pool.to_nchw')], 'pool')], 'pool.flatten', { axis: 1 });
  const n = layerNorm(c, pooled, model.norm, 'norm');
  g.op('Gemm', [n, c.w.get('head.weight'), c.w.get('head.bias')], 'head', { transB: 1 });
  return g.model({
    input: { name: input, dims: [batch, opts.inChannels, o.height, o.width] },
    output: { name: 'logits', dims: [batch, opts.numClasses] },
    opset,
    graphName: 'quadranet',
    producerVersion: VERSION,
    metadata: o.metadata,
  });
}
