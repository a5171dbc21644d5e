/**
 * Adam for the architecture parameters (float64 on the host, as ProxylessNAS: lr 1e-3, betas
 * (0, 0.999), no weight decay). With β1 = 0 a parameter whose gradient is 0 does not move, so only
 * the paths a step involved change.
 */
import { ArgumentError } from '@quadranet/core';

export interface AlphaAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
}

export interface AlphaAdamState {
  t: number;
  m: number[][];
  v: number[][];
}

export class AlphaAdam {
  readonly lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  private t = 0;
  private m: Float64Array[];
  private v: Float64Array[];

  constructor(readonly params: Float64Array[], o: AlphaAdamOptions = {}) {
    this.lr = o.lr ?? 1e-3;
    this.betas = o.betas ?? [0, 0.999];
    this.eps = o.eps ?? 1e-8;
    if (!(this.lr > 0)) throw new ArgumentError(`AlphaAdam: lr must be > 0, got ${this.lr}`);
    if (!this.betas.every((b) => b >= 0 && b < 1)) throw new ArgumentError(`AlphaAdam: betas must be in [0, 1), got [${this.betas}]`);
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  step(grads: readonly Float64Array[]): void {
    if (grads.length !== this.params.length) throw new ArgumentError(`AlphaAdam.step: one gradient per parameter (${this.params.length}), got ${grads.length}`);
    this.t++;
    const [b1, b2] = this.betas;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    this.params.forEach((p, k) => {
      const g = grads[k];
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < p.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
      }
    });
  }

  state(): AlphaAdamState {
    return { t: this.t, m: this.m.map((a) => [...a]), v: this.v.map((a) => [...a]) };
  }

  load(s: AlphaAdamState): void {
    this.t = s.t;
    this.m = s.m.map((a) => Float64Array.from(a));
    this.v = s.v.map((a) => Float64Array.from(a));
  }
}
