/** The choices of one searchable layer: QuadraBlock(k, expansion) candidates and skip (identity). */
import type { CandidateSet } from './schema.js';

export type Candidate =
  | { id: string; kind: 'block'; kernelSize: number; expansion: number }
  | { id: 'skip'; kind: 'skip' };

export const SKIP: Candidate = { id: 'skip', kind: 'skip' };

export function blockId(kernelSize: number, expansion: number): string {
  return `k${kernelSize}e${expansion}`;
}

/** The layer's candidates in a fixed order: kernel-major QuadraBlocks, then skip when allowed. */
export function candidateList(set: CandidateSet): Candidate[] {
  const out: Candidate[] = [];
  for (const k of [...new Set(set.kernelSizes)]) {
    for (const e of [...new Set(set.expansions)]) out.push({ id: blockId(k, e), kind: 'block', kernelSize: k, expansion: e });
  }
  if (set.skip) out.push(SKIP);
  return out;
}
