/**
 * The no-CUDA-module path on every machine, GPU or not: the module is hidden (QUADRA_CUDA=off)
 * before core is loaded, so the errors a user without quadra_cuda.node sees are tested here too
 * (a machine with nvcc builds the module and would otherwise never take this path).
 */
import { describe, expect, it } from 'vitest';

process.env.QUADRA_CUDA = 'off';
const q = await import('../src/index.js');
const { describeWithoutCuda } = await import('./without-cuda.js');

describe('with the CUDA module hidden (QUADRA_CUDA=off)', () => {
  it('availability says there is no module', () => {
    const a = q.deviceAvailability('cuda');
    expect(a.available).toBe(false);
    expect(a.reason).toBe('cuda is unavailable: no CUDA module: QUADRA_CUDA=off');
  });
  describeWithoutCuda(q);
});
