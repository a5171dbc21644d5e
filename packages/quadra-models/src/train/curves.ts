/**
 * Loss and accuracy curves as a small self-contained SVG (two panels: train, validation when the
 * run has a validation split, and test). Every epoch is a marker, so a one-epoch run is readable.
 */

export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
  /** Present when the run holds out a validation split. */
  val_loss?: number;
  val_acc?: number;
  lr: number;
  images_per_s: number;
  seconds: number;
  /** Steps skipped this epoch for a non-finite loss or gradient norm (see skipNonfinite). */
  skipped_steps?: number;
  /** The weight EMA's scores (runs with --model-ema). */
  ema_val_loss?: number;
  ema_val_acc?: number;
  ema_test_loss?: number;
  ema_test_acc?: number;
}

export interface Series {
  name: string;
  color: string;
  values: (number | undefined)[];
}

/** The x axis of a panel: its label and how a tick value is written. */
export interface XAxis {
  label: string;
  format(x: number): string;
}

const EPOCH_AXIS: XAxis = { label: 'epoch', format: String };

/** One chart panel 420×260 at x offset `x0`: the series over the x values `epochs`, a marker per point. */
export function panel(x0: number, title: string, series: Series[], epochs: number[], axis: XAxis = EPOCH_AXIS): string {
  const W = 420;
  const H = 260;
  const m = { l: 50, r: 10, t: 30, b: 35 };
  const all = series.flatMap((s) => s.values).filter((v): v is number => Number.isFinite(v));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  // one epoch sits in the middle of the panel; more spread from edge to edge
  const span = epochs[epochs.length - 1] - epochs[0];
  const xs = (e: number) => x0 + m.l + (span > 0 ? (e - epochs[0]) / span : 0.5) * (W - m.l - m.r);
  const ys = (v: number) => m.t + (1 - (v - lo) / (hi - lo)) * (H - m.t - m.b);
  const out: string[] = [`<g class="panel"><text x="${x0 + W / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>`];
  out.push(`<rect x="${x0 + m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    out.push(`<text x="${x0 + m.l - 4}" y="${ys(v) + 4}" text-anchor="end" font-size="10">${v.toFixed(3)}</text>`);
  }
  out.push(`<text x="${x0 + W / 2}" y="${H - 5}" text-anchor="middle" font-size="11">${axis.label}</text>`);
  const every = Math.ceil(epochs.length / 10);
  for (const e of epochs.filter((_, i) => i % every === 0)) out.push(`<text x="${xs(e).toFixed(1)}" y="${H - m.b + 12}" text-anchor="middle" font-size="10">${axis.format(e)}</text>`);
  series.filter((s) => s.values.some((v) => Number.isFinite(v))).forEach((s, k) => {
    const pts = s.values.flatMap((v, i) => (Number.isFinite(v) ? [[xs(epochs[i]), ys(v!)]] : []));
    out.push(`<polyline points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [x, y] of pts) out.push(`<circle class="marker" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${s.color}"/>`);
    out.push(`<text x="${x0 + W - 80}" y="${m.t + 14 + 14 * k}" font-size="11" fill="${s.color}">${s.name}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

export function curvesSvg(history: EpochMetrics[], title: string): string {
  const epochs = history.map((h) => h.epoch);
  const loss = panel(0, `${title}: loss`, [
    { name: 'train', color: '#1f77b4', values: history.map((h) => h.train_loss) },
    { name: 'val', color: '#2ca02c', values: history.map((h) => h.val_loss) },
    { name: 'test', color: '#d62728', values: history.map((h) => h.test_loss) },
    { name: 'EMA test', color: '#9467bd', values: history.map((h) => h.ema_test_loss) },
  ], epochs);
  const acc = panel(430, `${title}: accuracy`, [
    { name: 'train', color: '#1f77b4', values: history.map((h) => h.train_acc) },
    { name: 'val', color: '#2ca02c', values: history.map((h) => h.val_acc) },
    { name: 'test', color: '#d62728', values: history.map((h) => h.test_acc) },
    { name: 'EMA test', color: '#9467bd', values: history.map((h) => h.ema_test_acc) },
  ], epochs);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="260" font-family="sans-serif">\n${loss}\n${acc}\n</svg>\n`;
}
