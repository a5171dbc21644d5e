/**
 * From α to a network: the argmax per layer, and when that is over the budget the nearest cheaper
 * choice, found greedily: each move switches one layer to a cheaper candidate, the one that gives
 * up the least log-probability per millisecond saved, until the latency fits.
 */
import type { Choices, SpaceLayout } from '../space/layout.js';

export interface Downgrade {
  choices: Choices;
  latencyMs: number;
  /** Each move: layer, from, to, latency after. */
  moves: { layer: number; from: string; to: string; latencyMs: number }[];
  /** False when no cheaper choice reaches the budget (every layer at its cheapest). */
  fits: boolean;
}

/**
 * `lat[l][i]`: latency of candidate i of layer l; `fixed`: the rest. `probs[l]`: p of layer l.
 */
export function greedyDowngrade(layout: SpaceLayout, choices: Choices, probs: readonly ArrayLike<number>[], lat: readonly (readonly number[])[], fixed: number, budgetMs: number): Downgrade {
  const cur = layout.layers.map((l, i) => l.candidates.findIndex((c) => c.id === choices[i]));
  const total = () => fixed + cur.reduce((a, i, l) => a + lat[l][i], 0);
  const moves: Downgrade['moves'] = [];
  let t = total();
  while (t > budgetMs) {
    let best: { l: number; i: number; score: number } | null = null;
    cur.forEach((ci, l) => {
      for (let i = 0; i < lat[l].length; i++) {
        const saved = lat[l][ci] - lat[l][i];
        if (saved <= 0) continue;
        const score = (Math.log(probs[l][ci]) - Math.log(probs[l][i])) / saved;
        if (!best || score < best.score) best = { l, i, score };
      }
    });
    if (!best) break;
    const { l, i } = best as { l: number; i: number };
    const from = layout.layers[l].candidates[cur[l]].id;
    cur[l] = i;
    t = total();
    moves.push({ layer: l, from, to: layout.layers[l].candidates[i].id, latencyMs: t });
  }
  return { choices: cur.map((i, l) => layout.layers[l].candidates[i].id), latencyMs: t, moves, fits: t <= budgetMs };
}
