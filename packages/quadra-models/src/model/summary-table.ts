/** Readable tables: a model's summary() per layer, and the zoo with parameters and MACs. */
import { nn } from '@quadranet/core';
import { createModel, modelNames } from './zoo.js';
import type { ModelSummary } from './quadranet.js';

/** 1234567 → '1.23 M', 4.13e9 → '4.13 G'. */
export function humanCount(n: number): string {
  for (const [unit, v] of [['G', 1e9], ['M', 1e6], ['K', 1e3]] as const) if (n >= v) return `${(n / v).toFixed(2)} ${unit}`;
  return String(n);
}

function table(header: string[], rows: string[][], rightFrom: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i >= rightFrom ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One line per layer (name, output H×W×C, parameters, MACs) and a total line. */
export function formatSummary(s: ModelSummary): string {
  const rows = s.layers.map((l) => [l.name, l.output.join('x'), l.params.toLocaleString('en-US'), humanCount(l.macs)]);
  rows.push(['total', '', s.params.toLocaleString('en-US'), humanCount(s.macs)]);
  return table(['layer', 'output', 'params', 'MACs'], rows, 2);
}

export interface ZooEntry {
  name: string;
  depths: number[];
  dims: number[];
  block: string;
  params: number;
  macs: number;
}

export interface ZooTableOptions {
  /** Input side (default 224, the zoo's ImageNet setting). */
  size?: number;
  numClasses?: number;
  inChannels?: number;
  /** Only names containing this. */
  filter?: string;
}

/** Every zoo model (or those matching `filter`) with parameters and MACs at size×size; weights are not drawn. */
export function zooTable(o: ZooTableOptions = {}): ZooEntry[] {
  const size = o.size ?? 224;
  return modelNames().filter((n) => !o.filter || n.includes(o.filter)).map((name) => {
    const m = nn.withoutInit(() => createModel(name, { numClasses: o.numClasses ?? 1000, inChannels: o.inChannels ?? 3 }));
    try {
      const s = m.summary(size);
      return { name, depths: [...m.options.depths], dims: [...m.options.dims], block: m.options.block[0], params: s.params, macs: s.macs };
    } finally {
      m.dispose();
    }
  });
}

export function formatZooTable(rows: ZooEntry[]): string {
  return table(['model', 'block', 'depths', 'widths', 'params', 'MACs'],
    rows.map((r) => [r.name, r.block, r.depths.join(','), r.dims.join(','), humanCount(r.params), humanCount(r.macs)]), 4);
}
