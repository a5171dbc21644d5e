/** Analytic multiply-accumulate counts per layer, for `summary()`. */
import { nn } from '@quadranet/core';
import { ConvBlock } from '../blocks/conv-block.js';
import { QuadraBlock } from '../blocks/quadra-block.js';

/** A module that can say how many MACs it spends on an H×W input (NHWC, batch 1). */
export interface CountsMacs {
  macs(h: number, w: number): number;
}

function hasMacs(m: nn.Module): m is nn.Module & CountsMacs {
  return typeof (m as Partial<CountsMacs>).macs === 'function';
}

/** MACs of one module at input size h×w; unknown modules count their parameters once per pixel. */
export function moduleMacs(m: nn.Module, h: number, w: number): number {
  if (hasMacs(m)) return m.macs(h, w);
  const px = h * w;
  if (m instanceof QuadraBlock) {
    const k = m.QuadraConv.kernelSize;
    const hidden = m.mlp.pwconv1.outFeatures;
    return px * (3 * k * k * m.dim + m.dim + 2 * m.dim * hidden);
  }
  if (m instanceof ConvBlock) {
    const k = m.dwconv.kernelSize;
    const hidden = m.mlp.pwconv1.outFeatures;
    return px * (k * k * m.dim + 2 * m.dim * hidden);
  }
  if (m instanceof nn.Conv2d) {
    const s = m.opts.stride ?? 1;
    const p = m.opts.padding ?? 0;
    const ho = Math.floor((h + 2 * p - m.kernelSize) / s) + 1;
    const wo = Math.floor((w + 2 * p - m.kernelSize) / s) + 1;
    return ho * wo * m.outChannels * m.inChannels * m.kernelSize * m.kernelSize;
  }
  if (m instanceof nn.Linear) return px * m.inFeatures * m.outFeatures;
  if (m instanceof nn.DepthwiseConv2d) return px * m.kernelSize * m.kernelSize * m.channels;
  // Anything else: the sum of its children at the same resolution (attention's two batched
  // products are not counted).
  return m.namedChildren().reduce((a, [, c]) => a + moduleMacs(c, h, w), 0);
}
