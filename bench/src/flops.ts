/** FLOP counts shared by the cpu and gpu benchmarks (no peer libraries imported here). */
import type { ConvShape } from '@quadranet/lib';

/** Useful FLOPs: forward 3 depthwise convs (2k^2 each) + multiply-add; backward dx and dW (12k^2). */
export function quadFlops(s: ConvShape, k: number) {
  const m = s.n * s.h * s.w * s.c;
  const fwd = m * (6 * k * k + 2);
  return { fwd, fwdbwd: fwd + m * (12 * k * k + 2) };
}
