/**
 * `bench infer --chart out.svg`: images/s per engine, grouped by model and batch, with the p10–p90
 * spread as a rule, as a Vega-Lite spec rendered to SVG by Vega headless (no browser, no canvas).
 * The y axis is logarithmic: the plain-JS tfjs backend is two orders of magnitude slower.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { isPeerStats, type EngineStats, type InferBenchResult } from './infer.js';
import type { Machine } from './machine.js';

interface Bar {
  group: string;
  engine: string;
  ips: number;
  lo: number;
  hi: number;
  runs: number;
}

const ENGINES = ['ours', 'onnxruntime', 'tfjs-wasm', 'tfjs-cpu'];

function bar(group: string, engine: string, s: EngineStats, batch: number): Bar {
  return { group, engine, ips: s.ips, lo: (1000 * batch) / s.p90_ms, hi: (1000 * batch) / s.p10_ms, runs: s.runs };
}

/** The chart's rows: one per engine that ran, per model and batch (failed and absent peers have none). */
export function chartRows(rs: InferBenchResult[]): Bar[] {
  const rows: Bar[] = [];
  for (const r of rs) {
    const group = `${r.model} | batch ${r.batch}`;
    rows.push(bar(group, 'ours', r.ours, r.batch));
    for (const [name, p] of Object.entries(r.peers)) if (isPeerStats(p)) rows.push(bar(group, name, p, r.batch));
  }
  return rows;
}

export async function inferChartSvg(rs: InferBenchResult[], machine: Machine): Promise<string> {
  const size = rs[0]?.size ?? 0;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Inference throughput, ${size}×${size} (higher is better; bars: median, rules: p10–p90)`,
      subtitle: `${machine.cpu}, ${machine.cores} cores; ours and onnxruntime ${machine.threads} threads, tfjs 1 thread`,
    },
    data: { values: chartRows(rs) },
    width: { step: 26 },
    height: 320,
    encoding: {
      // Two-line labels (model, batch); the groups keep the run's order.
      x: { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0, labelLimit: 0, labelExpr: "split(datum.label, ' | ')" } },
      xOffset: { field: 'engine', type: 'nominal', sort: ENGINES },
      color: { field: 'engine', type: 'nominal', sort: ENGINES, title: 'engine' },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          // Not stacked: a stacked bar starts at 0, which a log scale cannot place.
          y: { field: 'ips', type: 'quantitative', title: 'images/s (log scale)', scale: { type: 'log' }, stack: null },
          tooltip: [{ field: 'engine' }, { field: 'ips', format: '.2f' }, { field: 'runs' }],
        },
      },
      {
        mark: 'rule',
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { value: 'black' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
