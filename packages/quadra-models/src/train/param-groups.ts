/**
 * Layer-wise lr decay per stage (ConvNeXt/BEiT fine-tuning as timm's param_groups_layer_decay does
 * it, at stage granularity): layer 0 is the stem (downsample_layers.0), layer i + 1 stage i with the
 * downsampling in front of it, the last layer the final norm and the head. A parameter of layer l
 * learns at decay^(L − l) × lr, L the last layer, so the head keeps the full lr and the stem gets the
 * smallest. decay 1 (or 0, unset) gives one group: every parameter at the lr.
 */
import { ArgumentError, type nn, type optim } from '@quadranet/core';

/** The layer id of a QuadraNet parameter name, with `stages` stages. */
export function layerOf(name: string, stages: number): number {
  const down = /^downsample_layers\.(\d+)\./.exec(name);
  if (down) return Number(down[1]) === 0 ? 0 : Number(down[1]) + 1;
  const stage = /^stages\.(\d+)\./.exec(name);
  if (stage) return Number(stage[1]) + 1;
  return stages + 1;
}

export function checkLayerDecay(decay: number): void {
  if (!(Number.isFinite(decay) && decay >= 0 && decay <= 1)) throw new ArgumentError(`--layer-decay must be in (0, 1] (0 or 1: off), got ${decay}`);
}

/**
 * The model's parameters as optimizer param groups with their layer's lr scale: one group per run of
 * consecutive parameters of the same layer, so the optimizer keeps the model's parameter order (and
 * its checkpoint buffers their indices).
 */
export function layerDecayGroups(model: nn.Module, stages: number, decay: number): optim.ParamGroup[] {
  checkLayerDecay(decay);
  const params = [...model.namedParameters()];
  if (decay === 0 || decay === 1) return [{ params: params.map(([, p]) => p) }];
  const last = stages + 1;
  const groups: { params: nn.Parameter[]; lrScale: number }[] = [];
  for (const [name, p] of params) {
    const lrScale = decay ** (last - layerOf(name, stages));
    const tail = groups[groups.length - 1];
    if (tail && tail.lrScale === lrScale) tail.params.push(p);
    else groups.push({ params: [p], lrScale });
  }
  return groups;
}
