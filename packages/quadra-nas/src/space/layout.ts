/**
 * Where every op of a space sits: the stem, the downsamples and the head (the fixed part, the same
 * in every architecture) and each searchable layer's input shape and candidates. An op is keyed by
 * its kind and shapes, so layers of one stage share their latency-table entries.
 */
import type { ArchitectureSpec } from '@quadranet/models';
import { SearchSpaceError } from '../errors.js';
import { candidateList, type Candidate } from './candidates.js';
import type { SearchSpace } from './schema.js';

export type OpKind = 'stem' | 'downsample' | 'block' | 'skip' | 'head';

/** One op at one input shape [batch, h, w, cin]. `k`/`expansion` are the block's (0 where they do not apply). */
export interface OpSpec {
  kind: OpKind;
  batch: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  padding: number;
  expansion: number;
}

export interface LayerPosition {
  /** Index over all searchable layers of the space. */
  layer: number;
  stage: number;
  index: number;
  h: number;
  w: number;
  c: number;
  candidates: Candidate[];
}

export interface SpaceLayout {
  stem: OpSpec;
  downsamples: OpSpec[];
  head: OpSpec;
  layers: LayerPosition[];
  /** [h, w, c] of each stage. */
  stageShapes: [number, number, number][];
}

/** A chosen architecture: one candidate id per searchable layer of the space (in layout order). */
export type Choices = string[];

/** The table key of an op (kind, batch and shapes; the block's kernel and expansion). */
export function opKey(op: OpSpec): string {
  const shape = `${op.batch}x${op.h}x${op.w}x${op.cin}`;
  switch (op.kind) {
    case 'block': return `block:${shape}:k${op.k}e${op.expansion}`;
    case 'skip': return `skip:${shape}`;
    case 'head': return `head:${shape}->${op.cout}`;
    default: return `${op.kind}:${shape}->${op.cout}:k${op.k}s${op.stride}p${op.padding}`;
  }
}

export function blockOp(batch: number, pos: { h: number; w: number; c: number }, cand: Candidate): OpSpec {
  return cand.kind === 'skip'
    ? { kind: 'skip', batch, h: pos.h, w: pos.w, cin: pos.c, cout: pos.c, k: 0, stride: 1, padding: 0, expansion: 0 }
    : { kind: 'block', batch, h: pos.h, w: pos.w, cin: pos.c, cout: pos.c, k: cand.kernelSize, stride: 1, padding: Math.floor(cand.kernelSize / 2), expansion: cand.expansion };
}

const convOut = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;

export function spaceLayout(space: SearchSpace): SpaceLayout {
  const B = space.batch;
  const st = space.stem;
  let h = convOut(space.input.height, st.kernel, st.stride, st.padding);
  let w = convOut(space.input.width, st.kernel, st.stride, st.padding);
  if (h < 1 || w < 1) throw new SearchSpaceError(`the ${st.kernel}×${st.kernel}/${st.stride} stem leaves no pixels of the ${space.input.height}×${space.input.width} input`, 'stem');
  const c0 = space.stages[0].width;
  const stem: OpSpec = { kind: 'stem', batch: B, h: space.input.height, w: space.input.width, cin: space.input.channels, cout: c0, k: st.kernel, stride: st.stride, padding: st.padding, expansion: 0 };
  const downsamples: OpSpec[] = [];
  const layers: LayerPosition[] = [];
  const stageShapes: [number, number, number][] = [];
  space.stages.forEach((s, i) => {
    if (i > 0) {
      const prev = space.stages[i - 1].width;
      const d = space.downsample;
      downsamples.push({ kind: 'downsample', batch: B, h, w, cin: prev, cout: s.width, k: d.kernel, stride: d.stride, padding: 0, expansion: 0 });
      h = convOut(h, d.kernel, d.stride, 0);
      w = convOut(w, d.kernel, d.stride, 0);
      if (h < 1 || w < 1) throw new SearchSpaceError(`the downsample before stage ${i} leaves no pixels: the input is too small for ${space.stages.length} stages`, `stages[${i}]`);
    }
    stageShapes.push([h, w, s.width]);
    const cands = candidateList(s.candidates ?? space.candidates);
    for (let j = 0; j < s.depth; j++) layers.push({ layer: layers.length, stage: i, index: j, h, w, c: s.width, candidates: cands });
  });
  const last = space.stages[space.stages.length - 1].width;
  const head: OpSpec = { kind: 'head', batch: B, h, w, cin: last, cout: space.head.numClasses, k: 0, stride: 1, padding: 0, expansion: 0 };
  return { stem, downsamples, head, layers, stageShapes };
}

/** The fixed ops (in every architecture of the space): stem, downsamples, head. */
export function fixedOps(layout: SpaceLayout): OpSpec[] {
  return [layout.stem, ...layout.downsamples, layout.head];
}

/** Every op the latency table needs: the fixed ops and each distinct candidate at each layer's shape. */
export function allOps(space: SearchSpace): OpSpec[] {
  const layout = spaceLayout(space);
  const seen = new Map<string, OpSpec>();
  for (const op of fixedOps(layout)) seen.set(opKey(op), op);
  for (const l of layout.layers) for (const c of l.candidates) {
    const op = blockOp(space.batch, l, c);
    if (!seen.has(opKey(op))) seen.set(opKey(op), op);
  }
  return [...seen.values()];
}

/** The ops of one architecture (fixed ones first, then a block per non-skip layer). */
export function architectureOps(space: SearchSpace, choices: Choices, layout = spaceLayout(space)): OpSpec[] {
  checkChoices(layout, choices);
  return [...fixedOps(layout), ...layout.layers.map((l, i) => blockOp(space.batch, l, l.candidates.find((c) => c.id === choices[i])!))];
}

export function checkChoices(layout: SpaceLayout, choices: Choices): void {
  if (!Array.isArray(choices) || choices.length !== layout.layers.length) {
    throw new SearchSpaceError(`an architecture needs one choice per searchable layer (${layout.layers.length}), got ${Array.isArray(choices) ? choices.length : typeof choices}`, 'choices');
  }
  choices.forEach((id, i) => {
    const l = layout.layers[i];
    if (!l.candidates.some((c) => c.id === id)) {
      throw new SearchSpaceError(`'${id}' is not a candidate of layer ${i} (stage ${l.stage}, block ${l.index}); candidates: ${l.candidates.map((c) => c.id).join(', ')}`, `choices[${i}]`);
    }
  });
}

/** The QuadraNet options of an architecture of the space (skip removes the layer), as `@quadranet/models` builds and `quadra train --arch` trains. */
export function architectureSpec(space: SearchSpace, choices: Choices): ArchitectureSpec {
  const layout = spaceLayout(space);
  checkChoices(layout, choices);
  const S = space.stages.length;
  const ks: number[][] = Array.from({ length: S }, () => []);
  const es: number[][] = Array.from({ length: S }, () => []);
  layout.layers.forEach((l, i) => {
    const c = l.candidates.find((x) => x.id === choices[i])!;
    if (c.kind === 'skip') return;
    ks[l.stage].push(c.kernelSize);
    es[l.stage].push(c.expansion);
  });
  return {
    depths: ks.map((l) => l.length),
    dims: space.stages.map((s) => s.width),
    numClasses: space.head.numClasses,
    inChannels: space.input.channels,
    kernelSizes: ks.map((l) => l[0] ?? 7),
    expansions: es.map((l) => l[0] ?? 4),
    stem: { ...space.stem },
    block: new Array(S).fill('quadra'),
    layerScaleInit: space.layerScaleInit ?? 1e-6,
    layerKernelSizes: ks,
    layerExpansions: es,
  };
}
