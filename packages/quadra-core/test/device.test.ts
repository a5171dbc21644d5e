/**
 * Devices on a machine without a GPU (and the parts that hold on any machine): typed errors for
 * mixing devices, for host access to device data, for an unavailable cuda; the support matrix.
 */
import { describe, expect, it } from 'vitest';
import * as q from '../src/index.js';
import { describeWithoutCuda } from './without-cuda.js';

const cuda = q.deviceAvailability('cuda');

describe('device errors', () => {
  it('tensors report their device; to() on the same device is the tensor itself', () => {
    const x = q.tensor([1, 2, 3]);
    expect(x.device).toBe('cpu');
    expect(x.to('cpu')).toBe(x);
  });

  it('an unknown device is a DeviceError naming the argument', () => {
    expect(() => q.tensor([1]).to('tpu' as q.Device)).toThrow(q.DeviceError);
    expect(() => q.tensor([1]).to('tpu' as q.Device)).toThrow(/to: device must be 'cpu' or 'cuda', got "tpu"/);
    expect(() => q.zeros([2], { device: 'gpu' as q.Device })).toThrow(q.DeviceError);
  });

  it('deviceData() of a cpu tensor is a DeviceError', () => {
    expect(() => q.tensor([1]).deviceData()).toThrow(q.DeviceError);
  });

  it('dataSync() of a cpu tensor is the zero-copy view', () => {
    const x = q.tensor([1, 2, 3]);
    expect(x.dataSync()).toBe(x.data());
  });

  it('availability never throws and gives a reason when cuda is missing', () => {
    expect(typeof cuda.available).toBe('boolean');
    if (!cuda.available) expect(cuda.reason).toMatch(/^cuda( is)? unavailable\b.*\S/i);
    expect(q.deviceAvailability('cpu')).toEqual({ available: true, reason: '' });
  });
});

describe.runIf(!cuda.available)('without cuda', () => describeWithoutCuda(q));

describe.runIf(cuda.available)('with cuda', () => {
  it('mixing devices in one op is a DeviceError naming the argument and both devices', () => {
    const a = q.ones([2, 3]);
    const b = q.ones([2, 3], { device: 'cuda' });
    expect(() => q.add(a, b)).toThrow(q.DeviceError);
    expect(() => q.add(a, b)).toThrow(/add: b is on cuda but a is on cpu/);
    const w = q.ones([4, 3], { device: 'cuda' });
    expect(() => q.linear(a, w)).toThrow(/linear: w is on cuda but x is on cpu/);
  });

  it('data() of a cuda tensor is a DeviceError telling to move it; dataSync() is a host copy', () => {
    const x = q.tensor([1, 2, 3], [3], { device: 'cuda' });
    expect(x.device).toBe('cuda');
    expect(() => x.data()).toThrow(q.DeviceError);
    expect(() => x.data()).toThrow(/\.to\('cpu'\)/);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    expect(x.toArray()).toEqual([1, 2, 3]);
    expect(x.deviceData().length).toBe(3);
  });

  it('to() round trips and moves gradients back', () => {
    const x = q.tensor([1, -2, 3], [3]).requireGrad();
    const y = q.mul(x.to('cuda'), 2);
    q.sum(y).backward();
    expect(x.grad!.device).toBe('cpu');
    expect(Array.from(x.grad!.data())).toEqual([2, 2, 2]);
    expect(Array.from(y.to('cpu').data())).toEqual([2, -4, 6]);
  });

  it('memory().cuda counts device bytes', () => {
    const before = q.memory().cuda.live;
    const t = q.zeros([1024], { device: 'cuda' });
    expect(q.memory().cuda.live).toBeGreaterThanOrEqual(before + 4096);
    t.dispose();
  });
});

describe('supportMatrix', () => {
  it('has one row per kernel name with ref, cpu and cuda columns', () => {
    const m = q.supportMatrix();
    expect(m.map((r) => r.kernel)).toEqual([...q.KERNEL_NAMES]);
    for (const r of m) {
      expect(r.ref).toBe(true);
      expect(['native', 'reference']).toContain(r.cpu);
      expect(typeof r.cuda).toBe('boolean');
      if (!cuda.available) expect(r.cuda).toBe(false);
    }
  });
});
