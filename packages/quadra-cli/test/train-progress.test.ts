/** What `quadra train` prints: the bar's first frame has values (no {placeholders}); the start line on resume. */
import { Writable } from 'node:stream';
import { TRAIN_DEFAULTS, type StartInfo, type TrainConfig } from '@quadranet/models';
import { describe, expect, it, vi } from 'vitest';
import { startLine, trainProgress } from '../src/train-progress.js';

const config: TrainConfig = { ...TRAIN_DEFAULTS, model: 'quadranet25_xxs', dataset: 'synthetic', epochs: 3 };
const info: StartInfo = { model: 'quadranet25_xxs', params: 1.2e6, startEpoch: 0, epochs: 3, stepsPerEpoch: 4, trainSize: 512, valSize: 0, testSize: 512, usesWorker: false };

describe('train progress', () => {
  it('the first frame of the bar shows no {placeholders}', () => {
    let text = '';
    const stream = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); cb(); } });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const hooks = trainProgress(config, 'cpu', false, { stream, noTTYOutput: true });
    hooks.onStep!({ epoch: 1, step: 1, stepInEpoch: 1, stepsPerEpoch: 4, loss: 2.3, acc: 0.1, lr: 1e-3, imagesPerSecond: 100 });
    hooks.onEpoch!({ epoch: 1, train_loss: 2, train_acc: 0.1, test_loss: 2, test_acc: 0.1, lr: 1e-3, images_per_s: 100, seconds: 1 });
    expect(text).toMatch(/epoch 1\/3/);
    expect(text).not.toMatch(/\{\w+\}/);
    expect(log).toHaveBeenCalledWith('epoch 1: train loss 2.0000 acc 10.00%, test loss 2.0000 acc 10.00%, 100 img/s, 1.0 s');
    log.mockRestore();
  });

  it('the start line says when --epochs changed a resumed run and when it is already complete', () => {
    expect(startLine('cpu', info)).toBe('quadranet25_xxs on cpu: 1.200 M parameters, 512 training / 512 test images, 4 steps per epoch');
    expect(startLine('cpu', { ...info, startEpoch: 1, plannedEpochs: 3 })).toMatch(/, resuming after epoch 1 of 3$/);
    expect(startLine('cpu', { ...info, startEpoch: 2, plannedEpochs: 2, valSize: 64 })).toMatch(/512 training \/ 64 validation \/ 512 test.*resuming after epoch 2: --epochs 3 extends the 2-epoch run and the learning-rate schedule is recomputed for 3 epochs$/);
    expect(startLine('cpu', { ...info, startEpoch: 3, plannedEpochs: 3 })).toMatch(/resuming after epoch 3 of 3; the run is already complete \(raise --epochs to extend it\)$/);
  });
});
