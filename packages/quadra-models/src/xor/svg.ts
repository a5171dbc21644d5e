/**
 * The Figure 2 picture as a hand-written SVG: one panel per model, the decision regions over a
 * square drawn as a grid of cells shaded by the predicted class and its confidence, the training
 * cloud as dots and the four XOR points as large circles.
 */

export interface XorPanel {
  title: string;
  /** P(class 1) per grid cell, row-major, row 0 at the top (largest x₂). */
  probs: Float32Array;
  /** Row-major [n, 2] points to mark small (the noisy cloud), with their classes. */
  cloud: { x: Float32Array; y: Int32Array };
  /** Row-major [4, 2] XOR points, with their classes. */
  corners: { x: Float32Array; y: Int32Array };
}

export interface GridSpec {
  /** The square [lo, hi]² in data coordinates. */
  lo: number;
  hi: number;
  /** Cells per side. */
  resolution: number;
}

/** Cell centres of the grid, row-major [res², 2], row 0 at the top (x₂ = hi side). */
export function gridPoints(g: GridSpec): Float32Array {
  const { lo, hi, resolution: n } = g;
  const step = (hi - lo) / n;
  const out = new Float32Array(2 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      out[2 * (r * n + c)] = lo + (c + 0.5) * step;
      out[2 * (r * n + c) + 1] = hi - (r + 0.5) * step;
    }
  }
  return out;
}

const CLASS_COLOUR = ['#2f6db5', '#e07b28'] as const; // class 0 (same signs), class 1 (signs differ)
const SHADES = [0.18, 0.32, 0.46, 0.6]; // mix with white by confidence |2p − 1| in quarters

function mix(hex: string, t: number): string {
  const v = parseInt(hex.slice(1), 16);
  const ch = (s: number) => Math.round(255 + (((v >> s) & 255) - 255) * t).toString(16).padStart(2, '0');
  return `#${ch(16)}${ch(8)}${ch(0)}`;
}

function cellColour(p: number): string {
  const cls = p > 0.5 ? 1 : 0;
  const level = Math.min(SHADES.length - 1, Math.floor(Math.abs(2 * p - 1) * SHADES.length));
  return mix(CLASS_COLOUR[cls], SHADES[level]);
}

const f = (v: number): string => String(Math.round(v * 100) / 100);

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const PLOT = 240;
const LEFT = 34;
const TOP = 40;
const RIGHT = 14;
const BOTTOM = 34;
const PANEL_W = LEFT + PLOT + RIGHT;
const PANEL_H = TOP + PLOT + BOTTOM;
const FOOTER = 26;

function panelSvg(p: XorPanel, g: GridSpec, index: number): string {
  const n = g.resolution;
  if (p.probs.length !== n * n) throw new RangeError(`renderXorSvg: panel ${index} has ${p.probs.length} cell values, expected ${n * n}`);
  const cell = PLOT / n;
  const px = (x: number) => LEFT + ((x - g.lo) / (g.hi - g.lo)) * PLOT;
  const py = (y: number) => TOP + ((g.hi - y) / (g.hi - g.lo)) * PLOT;
  const out: string[] = [];
  out.push(`<g class="panel" id="panel-${index}" transform="translate(${index * PANEL_W},0)">`);
  out.push(`<text class="title" x="${f(LEFT + PLOT / 2)}" y="22" text-anchor="middle">${escapeXml(p.title)}</text>`);
  // Cells, merged into horizontal runs of one colour (a few hundred rects instead of n²).
  out.push(`<g class="regions" shape-rendering="crispEdges">`);
  for (let r = 0; r < n; r++) {
    let c0 = 0;
    let colour = cellColour(p.probs[r * n]);
    for (let c = 1; c <= n; c++) {
      const next = c < n ? cellColour(p.probs[r * n + c]) : '';
      if (next === colour) continue;
      out.push(`<rect x="${f(LEFT + c0 * cell)}" y="${f(TOP + r * cell)}" width="${f((c - c0) * cell)}" height="${f(cell)}" fill="${colour}"/>`);
      c0 = c;
      colour = next;
    }
  }
  out.push('</g>');
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${PLOT}" height="${PLOT}" fill="none" stroke="#444"/>`);
  for (const t of [-1, 0, 1].filter((v) => v >= g.lo && v <= g.hi)) {
    out.push(`<line x1="${f(px(t))}" y1="${TOP + PLOT}" x2="${f(px(t))}" y2="${TOP + PLOT + 4}" stroke="#444"/>`);
    out.push(`<text class="tick" x="${f(px(t))}" y="${TOP + PLOT + 15}" text-anchor="middle">${t}</text>`);
    out.push(`<line x1="${LEFT - 4}" y1="${f(py(t))}" x2="${LEFT}" y2="${f(py(t))}" stroke="#444"/>`);
    out.push(`<text class="tick" x="${LEFT - 7}" y="${f(py(t) + 3.5)}" text-anchor="end">${t}</text>`);
  }
  out.push(`<text class="tick" x="${f(LEFT + PLOT / 2)}" y="${TOP + PLOT + 29}" text-anchor="middle">x₁</text>`);
  out.push(`<text class="tick" x="10" y="${f(TOP + PLOT / 2)}" text-anchor="middle">x₂</text>`);
  out.push('<g class="cloud">');
  const inside = (v: number) => v >= g.lo && v <= g.hi;
  for (let i = 0; i < p.cloud.y.length; i++) {
    if (!inside(p.cloud.x[2 * i]) || !inside(p.cloud.x[2 * i + 1])) continue; // the rare far point
    out.push(`<circle cx="${f(px(p.cloud.x[2 * i]))}" cy="${f(py(p.cloud.x[2 * i + 1]))}" r="1.6" fill="${CLASS_COLOUR[p.cloud.y[i]]}"/>`);
  }
  out.push('</g><g class="xor-points">');
  for (let i = 0; i < p.corners.y.length; i++) {
    out.push(`<circle cx="${f(px(p.corners.x[2 * i]))}" cy="${f(py(p.corners.x[2 * i + 1]))}" r="6.5" fill="${CLASS_COLOUR[p.corners.y[i]]}" stroke="#111" stroke-width="1.5"/>`);
  }
  out.push('</g></g>');
  return out.join('\n');
}

/** The whole figure: panels side by side, a footer with the legend and `caption`. */
export function renderXorSvg(panels: readonly XorPanel[], g: GridSpec, caption = ''): string {
  const w = panels.length * PANEL_W;
  const h = PANEL_H + FOOTER;
  const legendY = PANEL_H + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:14px;font-weight:bold;fill:#222}.tick{font-size:10px;fill:#444}.legend{font-size:11px;fill:#333}</style>',
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    ...panels.map((p, i) => panelSvg(p, g, i)),
    `<g class="legend">`,
    `<circle cx="${LEFT + 6}" cy="${legendY}" r="5" fill="${CLASS_COLOUR[1]}" stroke="#111"/><text class="legend" x="${LEFT + 15}" y="${legendY + 4}">class 1: signs differ (x₁x₂ &lt; 0)</text>`,
    `<circle cx="${LEFT + 196}" cy="${legendY}" r="5" fill="${CLASS_COLOUR[0]}" stroke="#111"/><text class="legend" x="${LEFT + 205}" y="${legendY + 4}">class 0: same signs</text>`,
    caption ? `<text class="legend" x="${LEFT + 340}" y="${legendY + 4}">${escapeXml(caption)}</text>` : '',
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
