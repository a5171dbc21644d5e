/**
 * The latency term of the α loss. E[lat] = fixed + Σ_l Σ_i p_li · lat_li is differentiable in α:
 * ∂E/∂α_li = p_li (lat_li − Σ_j p_lj lat_lj). Two loss forms, as ProxylessNAS's search script:
 * 'mul-log' CE · s · (log E / log T)^β (s 0.2, β 0.3) and 'add-linear' CE + λ (E − T) / T (λ 0.1).
 * Both reward any lower latency, so a short search can overshoot down to mostly skip layers far
 * under T (bench/RESULTS.md, issue 12); 'add-abs' CE + λ |E − T| / T (TuNAS's absolute reward)
 * pulls E[lat] to the budget from both sides.
 * Inside the log, latencies are in microseconds, so budgets under 1 ms keep log T > 0.
 */
import { ArgumentError } from '@quadranet/core';
import { softmax } from './gates.js';

export interface ExpectedLatency {
  /** Milliseconds. */
  value: number;
  /** ∂E/∂α per layer. */
  grad: Float64Array[];
}

/** E[lat] and its gradient; `lat[l][i]` is candidate i of layer l in ms. */
export function expectedLatency(alphas: readonly ArrayLike<number>[], lat: readonly (readonly number[])[], fixed: number): ExpectedLatency {
  if (alphas.length !== lat.length) throw new ArgumentError(`expectedLatency: one latency list per layer (${alphas.length}), got ${lat.length}`);
  let value = fixed;
  const grad = alphas.map((a, l) => {
    if (lat[l].length !== a.length) throw new ArgumentError(`expectedLatency: layer ${l} has ${a.length} candidates but ${lat[l].length} latencies`);
    const p = softmax(a);
    let mean = 0;
    for (let i = 0; i < p.length; i++) mean += p[i] * lat[l][i];
    value += mean;
    return Float64Array.from(p, (pi, i) => pi * (lat[l][i] - mean));
  });
  return { value, grad };
}

export type LatencyLossKind = 'mul-log' | 'add-linear' | 'add-abs';

export interface LatencyLossOptions {
  kind: LatencyLossKind;
  /** The budget T, ms. */
  targetMs: number;
  /** mul-log: s (default 0.2). */
  scale?: number;
  /** mul-log: β (default 0.3). */
  beta?: number;
  /** add-linear and add-abs: λ (default 0.1). */
  lambda?: number;
}

export interface LatencyLossValue {
  loss: number;
  /** ∂loss/∂CE. */
  dCe: number;
  /** ∂loss/∂E[lat] (per ms). */
  dLat: number;
}

export function checkLatencyLoss(o: LatencyLossOptions): void {
  if (o.kind !== 'mul-log' && o.kind !== 'add-linear' && o.kind !== 'add-abs') {
    throw new ArgumentError(`latency loss: kind must be 'mul-log', 'add-linear' or 'add-abs', got ${JSON.stringify(o.kind)}`);
  }
  if (!(o.targetMs > 0.001)) throw new ArgumentError(`latency loss: the target must be above 0.001 ms (1 µs), got ${o.targetMs}`);
}

/** The α loss from the cross-entropy and E[lat], with its two partial derivatives. */
export function latencyLoss(ce: number, expectedMs: number, o: LatencyLossOptions): LatencyLossValue {
  checkLatencyLoss(o);
  if (o.kind === 'add-linear') {
    const lambda = o.lambda ?? 0.1;
    return { loss: ce + (lambda * (expectedMs - o.targetMs)) / o.targetMs, dCe: 1, dLat: lambda / o.targetMs };
  }
  if (o.kind === 'add-abs') {
    const lambda = o.lambda ?? 0.1;
    const d = expectedMs - o.targetMs;
    return { loss: ce + (lambda * Math.abs(d)) / o.targetMs, dCe: 1, dLat: (lambda * Math.sign(d)) / o.targetMs };
  }
  const s = o.scale ?? 0.2;
  const beta = o.beta ?? 0.3;
  const logT = Math.log(o.targetMs * 1000);
  const ratio = Math.log(Math.max(expectedMs * 1000, 1 + 1e-9)) / logT;
  const r = ratio ** beta;
  return { loss: s * ce * r, dCe: s * r, dLat: (s * ce * beta * ratio ** (beta - 1)) / (expectedMs * logT) };
}
