/**
 * Block kinds a model can be built from. Every block takes (dim, options) and reports its MACs for
 * an H×W input so `summary()` needs no forward pass.
 */
import type { nn } from '@quadranet/core';
import { ConvBlock } from './conv-block.js';
import { QuadraBlock, type BlockOptions } from './quadra-block.js';

export type BlockKind = 'quadra' | 'conv';

/** Per-stage, per-block settings handed to a block builder. */
export interface BlockSpec extends BlockOptions {
  stage: number;
  index: number;
}

export type BlockBuilder = (dim: number, spec: BlockSpec) => nn.Module;

export const BLOCKS: Record<BlockKind, BlockBuilder> = {
  quadra: (dim, s) => new QuadraBlock(dim, s),
  conv: (dim, s) => new ConvBlock(dim, s),
};
