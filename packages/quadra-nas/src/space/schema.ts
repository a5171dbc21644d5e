/**
 * The search space as data: the QuadraNet macro skeleton (input, batch, stem, stages with widths
 * and depths, the downsamples between stages, head) and the candidates of each searchable layer
 * (QuadraBlock kernel × MLP expansion, or skip). Validated with zod; `parseSpace` turns its issues
 * into a SearchSpaceError naming the field.
 */
import { z } from 'zod';

export const SPACE_FORMAT = 'quadranet-nas-space/1';

const posInt = z.number().int().min(1);
/**
 * Bounds that keep a malformed file from costing unbounded memory (the layout holds one entry per
 * searchable layer, each with the candidate cross product); far above any real space.
 */
export const SPACE_LIMITS = { depth: 64, candidates: 16, expansion: 64 } as const;
const oddKernel = z.number().int().min(1).max(31).refine((k) => k % 2 === 1, { message: 'kernel sizes must be odd (the depthwise conv pads k/2 on each side)' });

export const candidatesSchema = z.strictObject({
  /** Depthwise kernel sizes of the QuadraBlock candidates, e.g. [3, 5, 7]. */
  kernelSizes: z.array(oddKernel).min(1).max(SPACE_LIMITS.candidates),
  /** MLP expansions of the QuadraBlock candidates, e.g. [2, 4]. */
  expansions: z.array(posInt.max(SPACE_LIMITS.expansion)).min(1).max(SPACE_LIMITS.candidates),
  /** Whether the layer may be skipped (identity). */
  skip: z.boolean(),
});

export const stageSchema = z.strictObject({
  /** Channels of the stage. */
  width: posInt,
  /** Searchable layers of the stage (each a QuadraBlock choice or skip). */
  depth: z.number().int().min(0).max(SPACE_LIMITS.depth),
  /** This stage's candidates (default: the space's). */
  candidates: candidatesSchema.optional(),
});

export const spaceSchema = z.strictObject({
  format: z.literal(SPACE_FORMAT),
  name: z.string().min(1),
  input: z.strictObject({ height: posInt, width: posInt, channels: posInt }),
  /** Images per forward pass: the batch the latency is measured and predicted for. */
  batch: posInt,
  /** Stem conv (then LayerNorm) from the input channels to the first stage's width. */
  stem: z.strictObject({ kernel: posInt, stride: posInt, padding: z.number().int().min(0) }),
  /** Between stages: LayerNorm then a kernel×kernel conv with this stride (QuadraNet: 2×2 stride 2, the only one models builds). */
  downsample: z.strictObject({ kernel: z.literal(2), stride: z.literal(2) }),
  stages: z.array(stageSchema).min(1).max(8),
  /** Global mean → LayerNorm → Linear to numClasses. */
  head: z.strictObject({ numClasses: posInt }),
  candidates: candidatesSchema,
  /** Initial value of the blocks' layer scale (γ). */
  layerScaleInit: z.number().positive().optional(),
});

export type SearchSpace = z.infer<typeof spaceSchema>;
export type CandidateSet = z.infer<typeof candidatesSchema>;
export type StageSpace = z.infer<typeof stageSchema>;
