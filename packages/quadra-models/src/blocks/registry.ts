/**
 * Block kinds a model can be built from. Every block takes (dim, options) and reports its MACs for
 * an H×W input so `summary()` needs no forward pass.
 */
import type { nn } from '@quadranet/core';
import { ConvBlock } from './conv-block.js';
import { HorBlock } from './hor-block.js';
import { QuadraBlock, type BlockOptions } from './quadra-block.js';
import { SkipBlock } from './skip-block.js';
import { SwinBlock } from './swin-block.js';

export type BlockKind = 'quadra' | 'conv' | 'hor' | 'swin' | 'skip';

/** Per-stage, per-block settings handed to a block builder. */
export interface BlockSpec extends BlockOptions {
  stage: number;
  index: number;
}

export type BlockBuilder = (dim: number, spec: BlockSpec) => nn.Module;

/** The block options of a spec (stage and index place the block; they are not its options). */
const blockOptions = ({ stage: _stage, index: _index, ...opts }: BlockSpec): BlockOptions => opts;

export const BLOCKS: Record<BlockKind, BlockBuilder> = {
  quadra: (dim, s) => new QuadraBlock(dim, blockOptions(s)),
  conv: (dim, s) => new ConvBlock(dim, blockOptions(s)),
  // HorNet: gⁿConv orders 2, 3, 4, 5 by stage.
  hor: (dim, s) => new HorBlock(dim, { ...blockOptions(s), order: Math.min(5, 2 + s.stage) }),
  // Swin: window 7, head dim 32, shifted windows on odd blocks; no layer scale.
  swin: (dim, s) => new SwinBlock(dim, { shift: s.index % 2 === 1, mlpRatio: s.expansion, dropPath: s.dropPath }),
  skip: (dim) => new SkipBlock(dim),
};
