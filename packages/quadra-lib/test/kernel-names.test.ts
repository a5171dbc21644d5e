// One name per kernel: KERNEL_NAMES (derived from KernelSignatures) is exactly the key set of the
// reference table, of quadra.node's `kernels` and of quadra_cuda.node's `kernels` where it is built
// (loading the module needs no GPU), each entry a function.
import { describe, expect, it } from 'vitest';

import { KERNEL_NAMES } from '../src/index.js';
import { cudaNativeOrNull } from '../src/cuda/load.js';
import { referenceKernels } from '../src/reference/index.js';
import { native } from './targets.js';

const sorted = (xs: Iterable<string>) => [...xs].sort();

function expectKernels(table: object): void {
  expect(sorted(Object.keys(table))).toEqual(sorted(KERNEL_NAMES));
  for (const name of KERNEL_NAMES) expect(typeof (table as Record<string, unknown>)[name], name).toBe('function');
}

describe('kernel names', () => {
  it('KERNEL_NAMES lists each name once', () => {
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    expect(KERNEL_NAMES.length).toBeGreaterThanOrEqual(33);
  });
  it('the reference table has every kernel', () => expectKernels(referenceKernels));
  it.runIf(native)("quadra.node's kernels object has every kernel and nothing else", () => expectKernels(native!.kernels));
  const cuda = cudaNativeOrNull();
  it.runIf(cuda)("quadra_cuda.node's kernels object has every kernel and nothing else", () => expectKernels(cuda!.kernels));
});
