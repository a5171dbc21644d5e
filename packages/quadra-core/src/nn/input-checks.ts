/**
 * Input checks at the top of a layer's or block's forward, in the user's terms: what was passed,
 * what the module takes, and a hint when an NCHW tensor meets an NHWC module. The module path is
 * added by the forward wrapper (module-path.ts).
 */
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';

const NHWC = 'inputs are NHWC [N, H, W, C]';
const channelsOf = (n: number) => `${n} channel${n === 1 ? '' : 's'}`;

/** A 4-D NHWC input with `channels` channels (the blocks, Conv2d, DepthwiseConv2d). */
export function checkNhwc(x: Tensor, channels: number): void {
  const s = x.shape;
  if (s.length === 4 && s[3] === channels) return;
  if (s.length !== 4) throw new ShapeError(`input has shape [${s.join(', ')}] (${s.length}-D); ${NHWC} with C = ${channels}`);
  if (s[1] === channels) {
    throw new ShapeError(`input [${s.join(', ')}] looks NCHW (${channelsOf(channels)} on axis 1); ${NHWC}: permute it with permute(x, [0, 2, 3, 1])`);
  }
  throw new ShapeError(`input has ${channelsOf(s[3])}, expected ${channels}; ${NHWC}`);
}

/** An input whose last axis has `features` entries (Linear, LayerNorm); 4-D NCHW inputs get the hint. */
export function checkLastAxis(x: Tensor, features: number, what = 'channels'): void {
  const s = x.shape;
  const last = s[s.length - 1];
  if (s.length >= 1 && last === features) return;
  if (s.length === 4 && s[1] === features) {
    throw new ShapeError(`input [${s.join(', ')}] looks NCHW (${channelsOf(features)} on axis 1); ${NHWC}: permute it with permute(x, [0, 2, 3, 1])`);
  }
  throw new ShapeError(`input [${s.join(', ')}] has ${last ?? 0} ${what} on its last axis, expected ${features}`);
}
