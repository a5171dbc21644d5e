/**
 * The benchmarks' flags, checked like the CLI's (shared parsers from @quadranet/cli): a bad value
 * is one line naming the flag and what it accepts, exit 1 (bench/src/main.ts prints it).
 */
import { ArgumentError } from '@quadranet/core';
import { STEMS, type BlockKind, type StemName } from '@quadranet/models';

export {
  intAtLeast, intList, listOf, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber,
} from '@quadranet/cli/arg-parsers';

export interface BenchShape {
  s: { n: number; h: number; w: number; c: number };
  k: number;
}

/** NxHxWxCkK items, comma-separated (8x56x56x64k7,8x14x14x256k7); positive sizes, odd k. */
export function shapes(flag: string) {
  return (text: string): BenchShape[] => text.split(',').map((item) => {
    const m = /^(\d+)x(\d+)x(\d+)x(\d+)k(\d+)$/.exec(item.trim());
    if (!m) throw new ArgumentError(`${flag} takes NxHxWxCkK items like 8x56x56x64k7, got ${JSON.stringify(item)}`);
    const [n, h, w, c, k] = m.slice(1).map(Number);
    if ([n, h, w, c].some((v) => v < 1)) throw new ArgumentError(`${flag}: N, H, W and C must be ≥ 1, got ${JSON.stringify(item)}`);
    if (k % 2 === 0) throw new ArgumentError(`${flag}: the kernel size must be odd, got ${k} in ${JSON.stringify(item)}`);
    return { s: { n, h, w, c }, k };
  });
}

/** One NxHxWxCkK shape. */
export function shape(flag: string) {
  const list = shapes(flag);
  return (text: string): BenchShape => {
    const all = list(text);
    if (all.length !== 1) throw new ArgumentError(`${flag} takes one NxHxWxCkK shape, got ${all.length}`);
    return all[0];
  };
}

export const QUADCONV_PEERS = ['unfused', 'tfjs-wasm', 'tfjs-cpu', 'pytorch'] as const;
export const BLOCK_PEERS = ['tfjs-wasm', 'tfjs-cpu', 'pytorch'] as const;
export const TRAIN_PEERS = ['pytorch'] as const;
/** quadra train's --stem names (from the models' table, so a new stem is accepted here too). */
export const STEM_NAMES: readonly StemName[] = Object.keys(STEMS) as StemName[];
export const INFER_PEERS = ['onnxruntime', 'tfjs-wasm', 'tfjs-cpu'] as const;
export const BLOCK_KINDS: readonly BlockKind[] = ['quadra', 'conv', 'hor', 'swin', 'skip'];
