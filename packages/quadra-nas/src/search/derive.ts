/**
 * From α to a network: the argmax per layer, and when that is over the budget the nearest cheaper
 * choice, found greedily: each move switches one layer to a cheaper candidate, the one that gives
 * up the least log-probability per millisecond saved, until the latency fits.
 */
import type { Choices, SpaceLayout } from '../space/layout.js';

/**
 * How a layer's choice is read from its probabilities: 'argmax' (ProxylessNAS) takes the most
 * probable candidate; 'grouped' first decides skip against all blocks together (skip only when
 * p(skip) ≥ Σ p(blocks)), then takes the most probable block. With flat distributions after a
 * short search, skip (one candidate against six blocks) won the argmax in most layers while E[lat]
 * sat at the budget: the network was a third of the budget (bench/RESULTS.md, issue 12).
 */
export type DeriveRule = 'argmax' | 'grouped';

export function deriveChoices(layout: SpaceLayout, probs: readonly ArrayLike<number>[], rule: DeriveRule): Choices {
  return layout.layers.map((layer, l) => {
    const p = probs[l];
    const cands = layer.candidates;
    let best = -1;
    let blocks = 0;
    let skip = -1;
    for (let i = 0; i < cands.length; i++) {
      if (cands[i].kind === 'skip') {
        skip = i;
        if (rule === 'argmax' && (best < 0 || p[i] > p[best])) best = i;
        continue;
      }
      blocks += p[i];
      if (best < 0 || p[i] > p[best] || (rule === 'grouped' && cands[best].kind === 'skip')) best = i;
    }
    if (rule === 'grouped' && skip >= 0 && p[skip] >= blocks) best = skip;
    return cands[best].id;
  });
}

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
