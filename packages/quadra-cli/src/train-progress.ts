/** What `quadra train` prints while it runs: a progress bar and a line per epoch, or JSON lines. */
import type { Device } from '@quadranet/core';
import type { TrainConfig, TrainHooks } from '@quadranet/models';
import cliProgress from 'cli-progress';

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}

/** Hooks for train(): with `json`, one JSON line per event; otherwise a bar per epoch. */
export function trainProgress(config: TrainConfig, device: Device, json: boolean): TrainHooks {
  let bar: cliProgress.SingleBar | null = null;
  const epochs = config.epochs;
  return {
    onStart(i) {
      if (json) console.log(JSON.stringify({ event: 'start', ...i }));
      else console.log(`${config.model} on ${device}: ${(i.params / 1e6).toFixed(3)} M parameters, ${i.trainSize} training / ${i.testSize} test images, ${i.stepsPerEpoch} steps per epoch${i.startEpoch ? `, resuming after epoch ${i.startEpoch}` : ''}`);
    },
    onStep(s) {
      if (json) {
        console.log(JSON.stringify({ event: 'step', ...s }));
        return;
      }
      if (!bar) {
        bar = new cliProgress.SingleBar({
          format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} loss {loss} acc {acc} {ips} img/s ETA {etaText}',
          hideCursor: true, clearOnComplete: false,
        }, cliProgress.Presets.shades_classic);
        bar.start(s.stepsPerEpoch, 0, { epoch: s.epoch, epochs });
      }
      const left = (s.stepsPerEpoch - s.stepInEpoch) * (s.stepInEpoch ? 1 : 0);
      const perStep = s.imagesPerSecond > 0 ? config.batchSize / s.imagesPerSecond : NaN;
      bar.update(s.stepInEpoch, {
        epoch: s.epoch, epochs, loss: s.loss.toFixed(4), acc: (100 * s.acc).toFixed(1) + '%', ips: s.imagesPerSecond.toFixed(0), etaText: eta(left * perStep),
      });
    },
    onEpoch(m) {
      if (json) {
        console.log(JSON.stringify({ event: 'epoch', ...m }));
        return;
      }
      bar?.stop();
      bar = null;
      console.log(`epoch ${m.epoch}: train loss ${m.train_loss.toFixed(4)} acc ${(100 * m.train_acc).toFixed(2)}%, test loss ${m.test_loss.toFixed(4)} acc ${(100 * m.test_acc).toFixed(2)}%, ${m.images_per_s.toFixed(0)} img/s, ${m.seconds.toFixed(1)} s`);
    },
  };
}
