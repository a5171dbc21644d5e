/** Block and model errors in the user's terms: the module path, what was passed, NCHW hints, unknown option keys. */
import { ArgumentError, randn, ShapeError } from '@quadranet/core';
import { describe, expect, it } from 'vitest';

import { ConvBlock, createModel, HorBlock, QuadraBlock, QuadraNet, runXor, SwinBlock } from '../src/index.js';

function message(fn: () => unknown, type: new (...a: never[]) => Error = ShapeError): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('block input checks', () => {
  it('QuadraBlock(64) fed 32 channels names the block and the layout', () => {
    expect(message(() => new QuadraBlock(64, { kernelSize: 3 }).forward(randn([1, 5, 5, 32]))))
      .toBe('QuadraBlock (dim=64, k=3): input has 32 channels, expected 64; inputs are NHWC [N, H, W, C]');
  });

  it('an NCHW tensor says it looks NCHW, for every block kind', () => {
    const x = randn([1, 16, 6, 6]);
    for (const [name, b] of [['QuadraBlock', new QuadraBlock(16, { kernelSize: 3 })], ['ConvBlock', new ConvBlock(16, { kernelSize: 3 })], ['HorBlock', new HorBlock(16, { order: 2 })], ['SwinBlock', new SwinBlock(16)]] as const) {
      expect(message(() => b.forward(x))).toMatch(new RegExp(`^${name} \\(dim=16.*\\): input \\[1, 16, 6, 6\\] looks NCHW \\(16 channels on axis 1\\); inputs are NHWC`));
    }
  });

  it('inside a model the error carries the block path', () => {
    const net = new QuadraNet({
      depths: [1, 2], dims: [8, 16], numClasses: 3, inChannels: 1, stem: { kernel: 1, stride: 1, padding: 0 }, kernelSizes: [3, 3],
      chooseBlock: (stage, index) => (stage === 1 && index === 1 ? new QuadraBlock(32, { kernelSize: 3 }) : null),
    });
    expect(message(() => net.forward(randn([1, 4, 4, 1]))))
      .toBe('stages.1.1 (QuadraBlock, dim=32, k=3): input has 16 channels, expected 32; inputs are NHWC [N, H, W, C]');
  });

  it('the model names its input channels and spots NCHW images', () => {
    const net = createModel('quadranet25_xxs', { numClasses: 10, inChannels: 1 });
    expect(message(() => net.forward(randn([2, 1, 28, 28])))).toMatch(/^QuadraNet \(depths=.*classes=10\): input \[2, 1, 28, 28\] looks NCHW \(1 channel on axis 1\)/);
    expect(message(() => net.forward(randn([2, 28, 28, 3])))).toMatch(/: input has 3 channels, expected 1; inputs are NHWC/);
  });
});

describe('unknown option keys in block and model constructors', () => {
  it('names the key and the accepted ones', () => {
    expect(message(() => new QuadraBlock(8, { kernel_size: 3 } as never), ArgumentError))
      .toBe("QuadraBlock: unknown option 'kernel_size' (did you mean 'kernelSize'?); accepted options: kernelSize, expansion, dropPath, layerScaleInit");
    expect(message(() => new ConvBlock(8, { mlpRatio: 2 } as never), ArgumentError)).toContain("ConvBlock: unknown option 'mlpRatio'");
    expect(message(() => new HorBlock(8, { heads: 2 } as never), ArgumentError)).toContain("HorBlock: unknown option 'heads'");
    expect(message(() => new SwinBlock(8, { expansion: 2 } as never), ArgumentError)).toContain("SwinBlock: unknown option 'expansion'");
    expect(message(() => new QuadraNet({ depths: [1], dims: [8], classes: 3 } as never), ArgumentError)).toContain("QuadraNet: unknown option 'classes'");
    expect(message(() => createModel('quadranet25_xxs', { numClass: 10 } as never), ArgumentError)).toContain("createModel('quadranet25_xxs'): unknown option 'numClass' (did you mean 'numClasses'?)");
    expect(message(() => createModel('quadranet25_xxs', { depths: [1, 1, 1, 1] } as never), ArgumentError)).toContain("unknown option 'depths'");
    expect(message(() => runXor({ step: 10 } as never), ArgumentError)).toContain("runXor: unknown option 'step' (did you mean 'steps'?)");
  });

  it('model construction from the registry passes only block options', () => {
    for (const block of ['quadra', 'conv', 'hor', 'swin', 'skip'] as const) {
      expect(() => new QuadraNet({ depths: [1, 1], dims: [8, 16], block, numClasses: 2 })).not.toThrow();
    }
  });
});
