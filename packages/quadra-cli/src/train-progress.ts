/** What `quadra train` prints while it runs: a progress bar and a line per epoch, or JSON lines. */
import type { Device } from '@quadranet/core';
import type { StartInfo, TrainConfig, TrainHooks } from '@quadranet/models';
import cliProgress from 'cli-progress';

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}

/** The bar's format; every field in braces has a value from the first frame on (see FIRST_FRAME). */
export const BAR_FORMAT = 'epoch {epoch}/{epochs} |{bar}| {value}/{total} loss {loss} acc {acc} {ips} img/s ETA {etaText}';
/** Shown until the first step's numbers exist. */
export const FIRST_FRAME = { loss: '-', acc: '-', ips: '-', etaText: '--' };

/** The line said when a run starts or resumes (with the schedule's change when --epochs changed a resumed run). */
export function startLine(device: Device, i: StartInfo): string {
  const sizes = `${i.trainSize} training${i.valSize ? ` / ${i.valSize} validation` : ''} / ${i.testSize} test images`;
  const head = `${i.model} on ${device}: ${(i.params / 1e6).toFixed(3)} M parameters, ${sizes}, ${i.stepsPerEpoch} steps per epoch`;
  if (!i.startEpoch) return head;
  let resumed = `, resuming after epoch ${i.startEpoch} of ${i.epochs}`;
  if (i.plannedEpochs !== undefined && i.plannedEpochs !== i.epochs) {
    resumed = `, resuming after epoch ${i.startEpoch}: --epochs ${i.epochs} ${i.epochs > i.plannedEpochs ? 'extends' : 'shortens'} the ${i.plannedEpochs}-epoch run and the learning-rate schedule is recomputed for ${i.epochs} epochs`;
  }
  if (i.startEpoch >= i.epochs) resumed += '; the run is already complete (raise --epochs to extend it)';
  return head + resumed;
}

/** Where the bar goes: `stream` (default stderr); `noTTYOutput` draws it on a stream that is not a terminal (tests). */
export interface BarOutput {
  stream?: NodeJS.WritableStream;
  noTTYOutput?: boolean;
}

/** Hooks for train(): with `json`, one JSON line per event; otherwise a bar per epoch. */
export function trainProgress(config: TrainConfig, device: Device, json: boolean, out: BarOutput = {}): TrainHooks {
  let bar: cliProgress.SingleBar | null = null;
  let epochs = config.epochs;
  return {
    onStart(i) {
      epochs = i.epochs;
      if (json) console.log(JSON.stringify({ event: 'start', ...i }));
      else console.log(startLine(device, i));
    },
    onWarning(message) {
      if (json) console.log(JSON.stringify({ event: 'warning', message }));
      else {
        bar?.stop();
        bar = null;
        console.error(`warning: ${message}`);
      }
    },
    onStep(s) {
      if (json) {
        console.log(JSON.stringify({ event: 'step', ...s }));
        return;
      }
      if (!bar) {
        bar = new cliProgress.SingleBar({ format: BAR_FORMAT, hideCursor: true, clearOnComplete: false, stream: out.stream ?? process.stderr, noTTYOutput: out.noTTYOutput ?? false }, cliProgress.Presets.shades_classic);
        bar.start(s.stepsPerEpoch, 0, { epoch: s.epoch, epochs, ...FIRST_FRAME });
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
      const val = m.val_acc !== undefined ? `, val loss ${m.val_loss!.toFixed(4)} acc ${(100 * m.val_acc).toFixed(2)}%` : '';
      const skipped = m.skipped_steps ? `, ${m.skipped_steps} non-finite steps skipped` : '';
      const ema = m.ema_test_acc !== undefined ? `, EMA test acc ${(100 * m.ema_test_acc).toFixed(2)}%` : '';
      console.log(`epoch ${m.epoch}: train loss ${m.train_loss.toFixed(4)} acc ${(100 * m.train_acc).toFixed(2)}%${val}, test loss ${m.test_loss.toFixed(4)} acc ${(100 * m.test_acc).toFixed(2)}%${ema}, ${m.images_per_s.toFixed(0)} img/s, ${m.seconds.toFixed(1)} s${skipped}`);
    },
  };
}
