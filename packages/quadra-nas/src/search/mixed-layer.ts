/**
 * A searchable layer of the supernet: one module per candidate (QuadraBlocks and a SkipBlock),
 * of which only the active one runs with the tape. In 'two' mode (α steps) the other sampled path
 * runs without the tape, and the output is g_a·o_a + g_b·o_b with binary gates g (1 and 0) that are
 * leaf tensors: after backward, their gradients are ∂L/∂g_j = ⟨o_j, ∂L/∂y⟩, ProxylessNAS's gate
 * gradients. Memory stays one path's activations (plus the other path's output).
 */
import { add, ArgumentError, mul, nn, noGrad, tensor, type Tensor } from '@quadranet/core';
import { QuadraBlock, SkipBlock } from '@quadranet/models';
import type { Candidate } from '../space/candidates.js';

export class MixedLayer extends nn.Module {
  candidates: nn.Module[];
  /** Index of the path that runs with the tape. */
  active = 0;
  /** In two-path mode, the other sampled path (it runs without the tape); -1 otherwise. */
  inactive = -1;
  private gates: [Tensor, Tensor] | null = null;

  constructor(readonly dim: number, readonly choices: readonly Candidate[], layerScaleInit?: number) {
    super();
    if (choices.length === 0) throw new ArgumentError('MixedLayer: needs at least one candidate');
    this.candidates = choices.map((c) => (c.kind === 'skip' ? new SkipBlock(dim) : new QuadraBlock(dim, { kernelSize: c.kernelSize, expansion: c.expansion, layerScaleInit })));
  }

  /** Runs one path (weight steps, evaluation). */
  setSingle(active: number): void {
    this.checkIndex(active);
    this.active = active;
    this.inactive = -1;
  }

  /** Runs `active` with the tape and `inactive` without, through binary gates (α steps). */
  setTwo(active: number, inactive: number): void {
    this.checkIndex(active);
    this.checkIndex(inactive);
    if (active === inactive) throw new ArgumentError(`MixedLayer.setTwo: the two paths must differ, got ${active} twice`);
    this.active = active;
    this.inactive = inactive;
  }

  /** The gate gradients [∂L/∂g_active, ∂L/∂g_inactive] after a two-path backward (then forgets the gates). */
  takeGateGrads(): [number, number] {
    if (!this.gates) throw new ArgumentError('MixedLayer.takeGateGrads: no two-path forward ran since the last call');
    const [ga, gb] = this.gates;
    const out: [number, number] = [ga.grad ? ga.grad.item() : 0, gb.grad ? gb.grad.item() : 0];
    for (const g of this.gates) {
      g.grad?.dispose();
      g.dispose();
    }
    this.gates = null;
    return out;
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.candidates.length) throw new ArgumentError(`MixedLayer: path index must be in [0, ${this.candidates.length}), got ${i}`);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, candidates=[${this.choices.map((c) => c.id).join(', ')}]`;
  }

  forward(x: Tensor): Tensor {
    const ya = this.candidates[this.active].forward(x);
    if (this.inactive < 0) return ya;
    const yb = noGrad(() => this.candidates[this.inactive].forward(x));
    if (this.gates) for (const g of this.gates) g.dispose();
    // kept past the caller's scope: their gradients are read after backward
    const ga = tensor([1], [], { device: x.device, dtype: x.dtype }).requireGrad().keep();
    const gb = tensor([0], [], { device: x.device, dtype: x.dtype }).requireGrad().keep();
    this.gates = [ga, gb];
    const ta = mul(ya, ga);
    const tb = mul(yb, gb);
    const y = add(ta, tb);
    for (const t of [ya, yb, ta, tb]) t.dispose();
    return y;
  }
}
