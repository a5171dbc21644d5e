/**
 * What holds when cuda cannot be used, whatever the reason: run by device.test.ts on a machine
 * without a GPU, and by device-no-cuda.test.ts everywhere with the module hidden (QUADRA_CUDA=off).
 */
import { expect, it } from 'vitest';
import type * as Core from '../src/index.js';

export function describeWithoutCuda(q: typeof Core): void {
  const cuda = q.deviceAvailability('cuda');
  it("to('cuda'), creation on cuda and requireDevice raise BackendUnavailableError with the reason", () => {
    const x = q.tensor([1, 2]);
    for (const fn of [() => x.to('cuda'), () => q.zeros([2], { device: 'cuda' }), () => q.randn([3], { device: 'cuda' }), () => q.requireDevice('cuda')]) {
      expect(fn).toThrow(q.BackendUnavailableError);
      expect(fn).toThrow(cuda.reason);
    }
  });

  it("Module.to('cuda') raises BackendUnavailableError and leaves the module usable on cpu", () => {
    const m = new q.nn.Linear(3, 2);
    expect(() => m.to('cuda')).toThrow(q.BackendUnavailableError);
    expect(m.weight.device).toBe('cpu');
    expect(m.forward(q.ones([1, 3])).shape).toEqual([1, 2]);
  });

  it('memory().cuda reads zeros', () => {
    expect(q.memory().cuda).toEqual({ live: 0, pooled: 0, peak: 0, count: 0, allocations: 0, leaked: 0, leakedBytes: 0 });
  });
}
