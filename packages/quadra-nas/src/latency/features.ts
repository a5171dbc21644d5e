/**
 * Predictor features of an op (nn-Meter's kind: shapes, kernel, stride, FLOPs, bytes moved), and
 * the analytic FLOP count the predictor's target is normalised by (log ms per MFLOP), so that a
 * forest that cannot extrapolate still scales with the op's work.
 */
import type { OpSpec } from '../space/layout.js';

export const FEATURE_NAMES = ['batch', 'h', 'w', 'cin', 'cout', 'k', 'expansion', 'stride', 'log_flops', 'log_bytes'] as const;

const outSide = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;

/** Floating-point operations of one run of the op (multiply-adds count two). */
export function opFlops(op: OpSpec): number {
  const { batch: B, h, w, cin: C, cout, k, expansion: e } = op;
  switch (op.kind) {
    case 'block': {
      // LN, three k×k depthwise convs + product + sum, layer scale + residual, LN, C→eC→C MLP with GELU
      const perPixel = 8 * C + 2 * 3 * k * k * C + 2 * C + 3 * C + 8 * C + 2 * 2 * e * C * C + 8 * e * C + 3 * C;
      return B * h * w * perPixel;
    }
    case 'stem': {
      const ho = outSide(h, k, op.stride, op.padding);
      const wo = outSide(w, k, op.stride, op.padding);
      return B * ho * wo * (2 * k * k * C * cout + 8 * cout);
    }
    case 'downsample': {
      const ho = outSide(h, k, op.stride, 0);
      const wo = outSide(w, k, op.stride, 0);
      return B * h * w * 8 * C + B * ho * wo * 2 * k * k * C * cout;
    }
    case 'head':
      return B * h * w * C + B * 8 * C + B * 2 * C * cout;
    default:
      return 0;
  }
}

/** Bytes read and written (float32): activations in and out, parameters, and the block's hidden MLP activations. */
export function opBytes(op: OpSpec): number {
  const { batch: B, h, w, cin: C, cout, k, expansion: e } = op;
  switch (op.kind) {
    case 'block':
      return 4 * (2 * B * h * w * C + B * h * w * (4 * C + 2 * e * C) + 3 * k * k * C + 2 * e * C * C);
    case 'stem': {
      const ho = outSide(h, k, op.stride, op.padding);
      const wo = outSide(w, k, op.stride, op.padding);
      return 4 * (B * h * w * C + 2 * B * ho * wo * cout + k * k * C * cout);
    }
    case 'downsample': {
      const ho = outSide(h, k, op.stride, 0);
      const wo = outSide(w, k, op.stride, 0);
      return 4 * (2 * B * h * w * C + B * ho * wo * cout + k * k * C * cout);
    }
    case 'head':
      return 4 * (B * h * w * C + C * cout + B * cout);
    default:
      return 0;
  }
}

export function opFeatures(op: OpSpec): number[] {
  return [op.batch, op.h, op.w, op.cin, op.cout, op.k, op.expansion, op.stride, Math.log(opFlops(op)), Math.log(opBytes(op))];
}
