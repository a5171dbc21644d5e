/** The native module (or null) and the SIMD targets to sweep, for the native-vs-reference tests. */
import { afterAll, beforeAll, describe, expect } from 'vitest';

import { info, limitSimd, requireNative, setThreads } from '../src/index.js';
import type { NativeModule } from '../src/native.js';

export const SEED = Number(process.env.QUADRA_TEST_SEED ?? 7);
/** Sizes that straddle the SIMD widths (4, 8, 16 lanes). */
export const SIZES = [1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127] as const;

export const native: NativeModule | null = (() => {
  try {
    return requireNative();
  } catch {
    return null;
  }
})();

export const targets: string[] = native
  ? info().simdSupported.filter((t) => t !== 'SCALAR' || process.env.QUADRA_TEST_ALL_TARGETS)
  : [];

/**
 * Runs `body(target, index)` inside a describe per SIMD target (index 0 is the best target: give
 * it the full sweep), restoring the best target and the default threads afterwards.
 */
export function forEachTarget(title: string, body: (target: string, index: number) => void): void {
  describe.skipIf(!native)(title, () => {
    console.log(`${title}: seed ${SEED}, targets ${targets.join(', ')}`);
    afterAll(() => {
      limitSimd('');
      setThreads(0);
    });
    for (const [i, target] of targets.entries()) {
      describe(`SIMD target ${target}`, () => {
        beforeAll(() => {
          expect(limitSimd(target)).toBe(target);
        });
        body(target, i);
      });
    }
  });
}
