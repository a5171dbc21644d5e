/**
 * Blocks as ONNX nodes over an NHWC value: QuadraBlock (the quadratic conv as three depthwise
 * Conv + Mul + Add), ConvBlock (ConvNeXt), HorBlock (gⁿConv), SwinBlock and SkipBlock. Any other
 * module is an ExportError naming it and its path.
 */
import type { nn } from '@quadranet/core';
import { ConvBlock } from '../blocks/conv-block.js';
import { HorBlock } from '../blocks/hor-block.js';
import { QuadraBlock } from '../blocks/quadra-block.js';
import { SkipBlock } from '../blocks/skip-block.js';
import { SwinBlock } from '../blocks/swin-block.js';
import { ExportError } from './onnx-errors.js';
import { depthwiseNchw, layerNorm, linear, mlp, residual, viaNchw, type Ctx } from './onnx-layers.js';
import { swinBlock } from './onnx-swin.js';

/** Shape of the NHWC value a block sees (batch excluded). */
export interface MapSize {
  h: number;
  w: number;
}

function quadraBlock(c: Ctx, x: string, b: QuadraBlock, p: string): string {
  const { g } = c;
  const h = layerNorm(c, x, b.norm1, `${p}.norm1`);
  const q = viaNchw(c, h, `${p}.QuadraConv`, (n) => {
    const qc = b.QuadraConv;
    const a = depthwiseNchw(c, n, qc.conv1, `${p}.QuadraConv.conv1`);
    const bb = depthwiseNchw(c, n, qc.conv2, `${p}.QuadraConv.conv2`);
    const cc = depthwiseNchw(c, n, qc.conv3, `${p}.QuadraConv.conv3`);
    return g.op('Add', [g.op('Mul', [a, bb], `${p}.QuadraConv.mul`), cc], `${p}.QuadraConv`);
  });
  const x1 = residual(c, x, q, `${p}.gamma1`, `${p}.res1`);
  const m = mlp(c, layerNorm(c, x1, b.norm2, `${p}.norm2`), b.mlp.pwconv1, b.mlp.pwconv2, `${p}.pwconv1`, `${p}.pwconv2`);
  return residual(c, x1, m, `${p}.gamma2`, `${p}.res2`);
}

function convBlock(c: Ctx, x: string, b: ConvBlock, p: string): string {
  const d = viaNchw(c, x, `${p}.dwconv`, (n) => depthwiseNchw(c, n, b.dwconv, `${p}.dwconv`));
  const m = mlp(c, layerNorm(c, d, b.norm, `${p}.norm`), b.mlp.pwconv1, b.mlp.pwconv2, `${p}.pwconv1`, `${p}.pwconv2`);
  return residual(c, x, m, `${p}.gamma`, p);
}

/** gⁿConv: proj_in, split [d0 | S], depthwise on S scaled by s, split by d_k, gated chain, proj_out. */
function gnConv(c: Ctx, x: string, b: HorBlock, p: string): string {
  const { g } = c;
  const gn = b.gnconv;
  const dims = gn.dims;
  const fused = linear(c, x, gn.proj_in, `${p}.proj_in`);
  const cut = (v: string, from: number, to: number, hint: string) =>
    g.op('Slice', [v, g.int64(`${hint}.starts`, [from]), g.int64(`${hint}.ends`, [to]), g.int64(`${hint}.axes`, [3])], hint);
  const pa = cut(fused, 0, dims[0], `${p}.pa`);
  const abc = cut(fused, dims[0], 2 * gn.dim, `${p}.abc`);
  const dw = viaNchw(c, abc, `${p}.dwconv`, (n) => depthwiseNchw(c, n, gn.dwconv, `${p}.dwconv`));
  const dws = g.op('Mul', [dw, g.scalar(Math.fround(gn.scale))], `${p}.dwconv.scale`);
  let at = 0;
  const qs = dims.map((d, k) => cut(dws, at, (at += d), `${p}.q${k}`));
  let v = g.op('Mul', [pa, qs[0]], `${p}.gate0`);
  gn.pws.forEach((pw, i) => {
    v = g.op('Mul', [linear(c, v, pw, `${p}.pws.${i}`), qs[i + 1]], `${p}.gate${i + 1}`);
  });
  return linear(c, v, gn.proj_out, `${p}.proj_out`);
}

function horBlock(c: Ctx, x: string, b: HorBlock, p: string): string {
  const y = gnConv(c, layerNorm(c, x, b.norm1, `${p}.norm1`), b, `${p}.gnconv`);
  const x1 = residual(c, x, y, `${p}.gamma1`, `${p}.res1`);
  const m = mlp(c, layerNorm(c, x1, b.norm2, `${p}.norm2`), b.mlp.pwconv1, b.mlp.pwconv2, `${p}.pwconv1`, `${p}.pwconv2`);
  return residual(c, x1, m, `${p}.gamma2`, `${p}.res2`);
}

/** One block at `path` on an NHWC value of spatial size `size`; unknown blocks are an ExportError. */
export function exportBlock(c: Ctx, x: string, block: nn.Module, path: string, size: MapSize): string {
  if (block instanceof QuadraBlock) return quadraBlock(c, x, block, path);
  if (block instanceof ConvBlock) return convBlock(c, x, block, path);
  if (block instanceof HorBlock) return horBlock(c, x, block, path);
  if (block instanceof SwinBlock) return swinBlock(c, x, block, path, size);
  if (block instanceof SkipBlock) return x;
  throw new ExportError(`${block.constructor.name} (${path}) cannot be exported to ONNX yet`);
}
