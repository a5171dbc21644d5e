/**
 * The model zoo: quadranet36_{xxs,xs,t,s,b} (depths [3,3,27,3]) and quadranet25_* ([2,3,18,2]) with
 * C = 16/32/64/96/128, plus the same macro design with ConvNeXt, HorNet (gⁿConv) and Swin blocks:
 * convnext36_t, hornet25_xs, swin36_s, ...
 */
import { ArgumentError, checkOptionKeys } from '@quadranet/core';
import { QUADRANET_OPTION_KEYS, QuadraNet, type QuadraNetOptions } from './quadranet.js';

export const WIDTHS = { xxs: 16, xs: 32, t: 64, s: 96, b: 128 } as const;
export const DEPTHS = { 36: [3, 3, 27, 3], 25: [2, 3, 18, 2] } as const;
export type Size = keyof typeof WIDTHS;

const FAMILIES = { quadranet: 'quadra', convnext: 'conv', hornet: 'hor', swin: 'swin' } as const;

/** Every zoo name: quadranet36_t, quadranet25_xs, convnext36_t, ... */
export function modelNames(): string[] {
  const out: string[] = [];
  for (const fam of Object.keys(FAMILIES)) for (const d of Object.keys(DEPTHS)) for (const s of Object.keys(WIDTHS)) out.push(`${fam}${d}_${s}`);
  return out;
}

export type ZooOptions = Omit<QuadraNetOptions, 'depths' | 'dims' | 'block'>;

/**
 * Builds a zoo model by name.
 *
 * @example
 * const net = createModel('quadranet36_t', { numClasses: 1000 });       // 23.60 M parameters
 * const small = createModel('quadranet25_xxs', { numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM });
 */
export function createModel(name: string, opts: ZooOptions = {}): QuadraNet {
  // depths, dims and block come from the name.
  checkOptionKeys(`createModel('${name}')`, opts, QUADRANET_OPTION_KEYS.filter((k) => k !== 'depths' && k !== 'dims' && k !== 'block'));
  const m = /^([a-z]+)(36|25)_(xxs|xs|t|s|b)$/.exec(name);
  const family = m?.[1] as keyof typeof FAMILIES | undefined;
  if (!m || !family || !(family in FAMILIES)) {
    throw new ArgumentError(`model: unknown name '${name}'; expected one of ${modelNames().join(', ')}`);
  }
  const c = WIDTHS[m[3] as Size];
  return new QuadraNet({ ...opts, depths: [...DEPTHS[m[2] as '36' | '25']], dims: [c, 2 * c, 4 * c, 8 * c], block: FAMILIES[family] });
}
