/**
 * The supernet: a QuadraNet of the space's skeleton whose searchable layers are MixedLayers, and
 * one vector of architecture parameters α per layer (initialised from N(0, 1e-3), as ProxylessNAS).
 */
import { ArgumentError, type Generator } from '@quadranet/core';
import { QuadraNet } from '@quadranet/models';
import { checkChoices, spaceLayout, type Choices, type SpaceLayout } from '../space/layout.js';
import type { SearchSpace } from '../space/schema.js';
import { binarizeTwo, sampleIndex, softmax, type TwoPathSample } from './gates.js';
import { MixedLayer } from './mixed-layer.js';

export const ALPHA_INIT_STD = 1e-3;

export class Supernet {
  readonly model: QuadraNet;
  readonly layers: MixedLayer[];
  readonly alphas: Float64Array[];
  readonly layout: SpaceLayout;

  constructor(readonly space: SearchSpace, g: Generator) {
    this.layout = spaceLayout(space);
    const byPlace = new Map(this.layout.layers.map((l) => [`${l.stage}.${l.index}`, l]));
    const layers: MixedLayer[] = [];
    this.model = new QuadraNet({
      depths: space.stages.map((s) => s.depth), dims: space.stages.map((s) => s.width), numClasses: space.head.numClasses,
      inChannels: space.input.channels, stem: { ...space.stem }, layerScaleInit: space.layerScaleInit ?? 1e-6,
      chooseBlock: (stage, index, dim) => {
        const l = byPlace.get(`${stage}.${index}`)!;
        const m = new MixedLayer(dim, l.candidates, space.layerScaleInit);
        layers[l.layer] = m;
        return m;
      },
    });
    this.layers = layers;
    this.alphas = this.layout.layers.map((l) => Float64Array.from(l.candidates, () => ALPHA_INIT_STD * g.normal()));
  }

  probs(): Float64Array[] {
    return this.alphas.map((a) => softmax(a));
  }

  /** One path per layer, drawn by p = softmax(α), or uniformly (the weights' warm-up). */
  sampleSingle(g: Generator, uniform = false): number[] {
    return this.layers.map((m, l) => {
      const n = this.alphas[l].length;
      const i = uniform ? g.int(n) : sampleIndex(softmax(this.alphas[l]), g);
      m.setSingle(i);
      return i;
    });
  }

  /** Two paths per layer (a layer with one candidate runs it alone: null). */
  sampleTwo(g: Generator): (TwoPathSample | null)[] {
    return this.layers.map((m, l) => {
      if (this.alphas[l].length < 2) {
        m.setSingle(0);
        return null;
      }
      const s = binarizeTwo(this.alphas[l], g);
      m.setTwo(s.active, s.inactive);
      return s;
    });
  }

  /** Runs the given architecture's paths. */
  setChoices(choices: Choices): void {
    checkChoices(this.layout, choices);
    this.layers.forEach((m, l) => m.setSingle(this.layout.layers[l].candidates.findIndex((c) => c.id === choices[l])));
  }

  /** The most probable candidate per layer. */
  argmax(): Choices {
    return this.alphas.map((a, l) => {
      let best = 0;
      for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
      return this.layout.layers[l].candidates[best].id;
    });
  }

  setAlphas(values: readonly (readonly number[])[]): void {
    if (values.length !== this.alphas.length || values.some((v, l) => v.length !== this.alphas[l].length)) {
      throw new ArgumentError(`Supernet.setAlphas: expected ${this.alphas.length} layers of [${this.alphas.map((a) => a.length)}] values`);
    }
    values.forEach((v, l) => this.alphas[l].set(v));
  }

  dispose(): void {
    this.model.dispose();
  }
}
