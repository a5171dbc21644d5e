/** Loss and accuracy curves as a small self-contained SVG (two panels, train and test). */

export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
  lr: number;
  images_per_s: number;
  seconds: number;
}

function panel(x0: number, title: string, series: { name: string; color: string; values: number[] }[], epochs: number[]): string {
  const W = 420;
  const H = 260;
  const m = { l: 50, r: 10, t: 30, b: 35 };
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const xs = (e: number) => x0 + m.l + ((e - epochs[0]) / Math.max(1, epochs[epochs.length - 1] - epochs[0])) * (W - m.l - m.r);
  const ys = (v: number) => m.t + (1 - (v - lo) / (hi - lo)) * (H - m.t - m.b);
  const out: string[] = [`<g class="panel"><text x="${x0 + W / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>`];
  out.push(`<rect x="${x0 + m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    out.push(`<text x="${x0 + m.l - 4}" y="${ys(v) + 4}" text-anchor="end" font-size="10">${v.toFixed(3)}</text>`);
  }
  out.push(`<text x="${x0 + W / 2}" y="${H - 5}" text-anchor="middle" font-size="11">epoch</text>`);
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${xs(epochs[i]).toFixed(1)},${ys(v).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${x0 + W - 80}" y="${m.t + 14 + 14 * k}" font-size="11" fill="${s.color}">${s.name}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

export function curvesSvg(history: EpochMetrics[], title: string): string {
  const epochs = history.map((h) => h.epoch);
  const loss = panel(0, `${title}: loss`, [
    { name: 'train', color: '#1f77b4', values: history.map((h) => h.train_loss) },
    { name: 'test', color: '#d62728', values: history.map((h) => h.test_loss) },
  ], epochs);
  const acc = panel(430, `${title}: accuracy`, [
    { name: 'train', color: '#1f77b4', values: history.map((h) => h.train_acc) },
    { name: 'test', color: '#d62728', values: history.map((h) => h.test_acc) },
  ], epochs);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="260" font-family="sans-serif">\n${loss}\n${acc}\n</svg>\n`;
}
