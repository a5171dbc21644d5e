/**
 * Training throughput on cuda: a zoo model (QuadraNet-36-T by default) at batch N and H×W, AdamW,
 * cross-entropy, one loss read-back per step (as a training loop logs it). The batch is uploaded
 * once before timing (the PyTorch side does the same), so the figure is the model's compute.
 */
import { crossEntropy, Generator, optim, randn, scope, synchronize } from '@quadranet/core';
import { createModel } from '@quadranet/models';

export interface GpuTrainResult {
  model: string;
  batch: number;
  size: number;
  params: number;
  steps: number;
  step_ms: number;
  images_per_s: number;
  final_loss: number;
}

export function benchTrainCuda(o: { model: string; batch: number; size: number; warmup: number; steps: number; budgetS: number }): GpuTrainResult {
  const model = createModel(o.model, { numClasses: 1000 }).to('cuda');
  const opt = new optim.AdamW(model.parameters(), { lr: 4e-3, weightDecay: 0.05, noDecay1d: true });
  const g = new Generator(11);
  const x = randn([o.batch, o.size, o.size, 3], { device: 'cuda', generator: g });
  const labels = Array.from({ length: o.batch }, (_, i) => (i * 37) % 1000);
  const step = (): number => {
    const loss = scope(() => crossEntropy(model.forward(x), labels));
    loss.backward();
    const v = loss.item();
    loss.dispose();
    optim.clipGradNorm(model.parameters(), 5);
    opt.step();
    opt.zeroGrad();
    return v;
  };
  try {
    for (let i = 0; i < o.warmup; i++) step();
    synchronize('cuda');
    const t0 = performance.now();
    let done = 0;
    let last = NaN;
    while (done < o.steps && (done === 0 || performance.now() - t0 < o.budgetS * 1000)) {
      last = step();
      done++;
    }
    synchronize('cuda');
    const ms = (performance.now() - t0) / done;
    return { model: o.model, batch: o.batch, size: o.size, params: model.numParameters(), steps: done, step_ms: ms, images_per_s: (1000 * o.batch) / ms, final_loss: last };
  } finally {
    x.dispose();
    opt.dispose();
    model.dispose();
  }
}
