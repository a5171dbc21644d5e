/**
 * One training step of a model on a device — forward, label-smoothed cross-entropy, backward,
 * gradient clipping, AdamW — with everything read back to the host: the check that a model trains
 * the same on cuda as on cpu (same initial weights, same batch, same drop-path draws).
 */
import * as q from '../index.js';

export interface TrainStepResult {
  loss: number;
  gradNorm: number;
  /** Parameters after the step, by name. */
  params: Map<string, Float32Array>;
}

export function trainStepOn(
  device: q.Device,
  makeModel: () => q.nn.Module,
  batch: { x: Float32Array; shape: number[]; labels: number[] },
  opts: { lr?: number; clip?: number; seed?: number } = {},
): TrainStepResult {
  q.manualSeed(opts.seed ?? 0);
  const model = makeModel().to(device);
  const opt = new q.optim.AdamW(model.parameters(), { lr: opts.lr ?? 1e-3, weightDecay: 0.05, noDecay1d: true });
  try {
    const loss = q.scope(() => {
      const x = q.tensor(Float32Array.from(batch.x), batch.shape, { device });
      return q.crossEntropy(model.forward(x), batch.labels, { labelSmoothing: 0.1 });
    });
    loss.backward();
    const value = loss.item();
    loss.dispose();
    const gradNorm = q.optim.clipGradNorm(model.parameters(), opts.clip ?? 1);
    opt.step();
    opt.zeroGrad();
    const params = new Map<string, Float32Array>();
    for (const [name, p] of model.namedParameters()) params.set(name, Float32Array.from(p.dataSync()));
    return { loss: value, gradNorm, params };
  } finally {
    opt.dispose();
    model.dispose();
  }
}
