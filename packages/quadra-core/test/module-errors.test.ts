/** Errors in the user's terms: module paths on errors from a forward, NHWC input checks, unknown option keys. */
import { describe, expect, it } from 'vitest';
import * as q from '../src/index.js';

const { nn, optim } = q;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

class Net extends nn.Module {
  stem = new nn.Conv2d(3, 8, 2, { stride: 2 });
  stages = [new nn.Sequential(new nn.LayerNorm(8), new nn.Linear(8, 8)), new nn.Sequential(new nn.Linear(16, 4))];
  forward(x: q.Tensor): q.Tensor {
    return q.scope(() => this.stages[1].forward(this.stages[0].forward(this.stem.forward(x))));
  }
}

describe('module paths in errors', () => {
  it('names the failing module by its state-dict path, class and settings', () => {
    const err = thrown(() => new Net().forward(q.randn([1, 4, 4, 3])));
    expect(err).toBeInstanceOf(q.ShapeError);
    expect(err.message).toBe('stages.1.0 (Linear, 16, 4): input [1, 2, 2, 8] has 8 features on its last axis, expected 16');
    expect(nn.modulePathOf(err)).toBe('stages.1.0 (Linear, 16, 4)');
    expect(err.stack?.split('\n')[0]).toContain('stages.1.0 (Linear');
  });

  it('an NCHW input says it looks NCHW', () => {
    const err = thrown(() => new Net().forward(q.randn([1, 3, 4, 4])));
    expect(err).toBeInstanceOf(q.ShapeError);
    expect(err.message).toBe('stem (Conv2d, 3, 8, k=2, stride=2): input [1, 3, 4, 4] looks NCHW (3 channels on axis 1); inputs are NHWC [N, H, W, C]: permute it with permute(x, [0, 2, 3, 1])');
  });

  it('a module called on its own has no path; the layers check their inputs', () => {
    expect(thrown(() => new nn.LayerNorm(64).forward(q.randn([2, 32]))).message).toBe('LayerNorm (64, eps=1e-6): input [2, 32] has 32 channels on its last axis, expected 64');
    expect(thrown(() => new nn.DepthwiseConv2d(4, 3).forward(q.randn([1, 5, 5, 2]))).message).toBe('DepthwiseConv2d (4, k=3): input has 2 channels, expected 4; inputs are NHWC [N, H, W, C]');
    expect(thrown(() => new nn.QuadraConv2d(4, 3).forward(q.randn([5, 5, 4]))).message).toMatch(/^QuadraConv2d \(4, k=3\): input has shape \[5, 5, 4\] \(3-D\); inputs are NHWC/);
  });

  it('an error from an op inside a forward gets the innermost module once', () => {
    class Bad extends nn.Module {
      inner = new (class Inner extends nn.Module {
        forward(x: q.Tensor): q.Tensor {
          return q.reshape(x, [7]);
        }
      })();
      forward(x: q.Tensor): q.Tensor {
        return this.inner.forward(x);
      }
    }
    const err = thrown(() => new Bad().forward(q.randn([2, 2])));
    expect(err).toBeInstanceOf(q.QuadraError);
    expect(err.message).toMatch(/^inner \(Inner\): reshape/);
    expect(err.message.match(/inner \(Inner\)/g)).toHaveLength(1);
  });

  it('leaves errors about the environment unchanged (they may be cached and rethrown)', () => {
    const env = new q.EnvironmentError('QUADRA_X', 'QUADRA_X="y" is not accepted');
    class Thrower extends nn.Module {
      forward(): q.Tensor {
        throw env;
      }
    }
    expect(thrown(() => new Thrower().forward())).toBe(env);
    expect(env.message).toBe('QUADRA_X="y" is not accepted');
  });

  it('the forward wrapper is not a child, parameter or enumerable key, and the stack unwinds', () => {
    const m = new Net();
    expect(Object.keys(m)).not.toContain('forward');
    expect([...m.stateDict().keys()]).toEqual(['stem.weight', 'stem.bias', 'stages.0.0.weight', 'stages.0.0.bias', 'stages.0.1.weight', 'stages.0.1.bias', 'stages.1.0.weight', 'stages.1.0.bias']);
    thrown(() => m.forward(q.randn([1, 3, 4, 4])));
    // after an error, a fresh call to a lone module is described without a leftover path
    expect(thrown(() => new nn.Linear(3, 2).forward(q.randn([1, 4]))).message).toMatch(/^Linear \(3, 2\): /);
  });
});

describe('unknown option keys', () => {
  const params = () => [new nn.Parameter(q.zeros([2]))];
  it('optimizers, schedules and layers name the key and the accepted ones', () => {
    const err = thrown(() => new optim.AdamW(params(), { learningRate: 1e-3 } as never));
    expect(err).toBeInstanceOf(q.ArgumentError);
    expect(err.message).toBe("AdamW: unknown option 'learningRate'; accepted options: lr, betas, eps, weightDecay, noDecay1d");
    expect(thrown(() => new optim.SGD(params(), { lr: 1, momentun: 0.9 } as never)).message).toContain("SGD: unknown option 'momentun' (did you mean 'momentum'?)");
    expect(thrown(() => new optim.WarmupCosine({ baseLr: 1, totalSteps: 10, warmup: 2 } as never)).message).toContain("WarmupCosine: unknown option 'warmup'");
    expect(thrown(() => new nn.Linear(2, 2, { useBias: false } as never)).message).toContain("Linear: unknown option 'useBias'; accepted options: bias, generator");
    expect(thrown(() => new nn.Conv2d(2, 2, 3, { pad: 1 } as never)).message).toContain("Conv2d: unknown option 'pad'; accepted options: bias, generator, stride, padding");
    expect(() => new optim.AdamW(params(), { lr: 1e-3, weightDecay: 0 })).not.toThrow();
  });

  it('ops with options', () => {
    expect(thrown(() => q.zeros([2], { dtyp: 'float64' } as never)).message).toContain("zeros: unknown option 'dtyp' (did you mean 'dtype'?)");
    expect(thrown(() => q.randn([2], { seed: 1 } as never))).toBeInstanceOf(q.ArgumentError);
    expect(thrown(() => q.conv2d(q.randn([1, 3, 3, 1]), q.randn([1, 1, 1, 1]), null, { strides: 2 } as never)).message).toContain("conv2d: unknown option 'strides'");
    expect(thrown(() => q.crossEntropy(q.randn([2, 3]), [0, 1], { smoothing: 0.1 } as never)).message).toContain("crossEntropy: unknown option 'smoothing'; accepted options: labelSmoothing");
    expect(thrown(() => q.parseSafetensors(new Uint8Array(8), { path: 'x' } as never)).message).toContain("parseSafetensors: unknown option 'path'");
  });
});
