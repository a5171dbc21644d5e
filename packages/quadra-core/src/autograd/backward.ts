/**
 * Reverse-mode sweep over the tape. Nodes run in reverse topological order; each node's saved
 * tensors are released right after its backward, and intermediate gradients as soon as consumed.
 */
import { ArgumentError, DeviceError, ShapeError } from '../errors.js';
import { fmt, sameShape } from '../shape.js';
import { keep } from '../scope.js';
import type { Tensor } from '../tensor.js';
import { accumulateInto, onesLike, zerosOf } from './accumulate.js';
import { noGrad } from './grad-mode.js';
import type { Node } from './node.js';

export interface BackwardOptions {
  /** Keep saved tensors so backward can run through the graph again. */
  retainGraph?: boolean;
  /**
   * Called once per leaf tensor (a parameter) as soon as its gradient is final for this backward,
   * in the order the sweep completes them; a data-parallel reducer starts reducing a bucket of
   * gradients here while the sweep goes on. Leaves the sweep never reaches are not reported.
   */
  onGradReady?: (leaf: Tensor) => void;
}

/** How many gradient contributions each leaf gets in this sweep (one per use by a node). */
function leafUses(order: Node[]): Map<Tensor, number> {
  const uses = new Map<Tensor, number>();
  for (const node of order) {
    for (const inp of node.inputs) {
      if (inp && !inp.gradFn && inp.requiresGrad) uses.set(inp, (uses.get(inp) ?? 0) + 1);
    }
  }
  return uses;
}

function topoOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
      const next = node.inputs[i]?.gradFn;
      if (next && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

function addLeafGrad(leaf: Tensor, g: Tensor): void {
  if (leaf.grad) {
    accumulateInto(leaf.grad, g);
    g.dispose();
  } else {
    leaf.grad = keep(g);
  }
}

export function backward(root: Tensor, seed: Tensor | undefined, opts: BackwardOptions): void {
  if (!root.requiresGrad) throw new ArgumentError('backward(): the tensor does not require grad (no input of its graph has requiresGrad)');
  if (!seed && root.size !== 1) {
    throw new ArgumentError(`backward(): a gradient seed is needed for a non-scalar tensor of shape ${fmt(root.shape)}`);
  }
  if (seed && !sameShape(seed.shape, root.shape)) {
    throw new ShapeError(`backward(): seed shape ${fmt(seed.shape)} must equal the tensor's shape ${fmt(root.shape)}`);
  }
  if (seed && seed.device !== root.device) {
    throw new DeviceError(`backward(): seed is on ${seed.device} but the tensor is on ${root.device}; move the seed with .to('${root.device}')`);
  }
  noGrad(() => {
    const g0 = seed ? seed.detach() : onesLike(root);
    const rootNode = root.gradFn;
    if (!rootNode) {
      addLeafGrad(root, g0);
      opts.onGradReady?.(root);
      return;
    }
    const order = topoOrder(rootNode);
    const uses = opts.onGradReady ? leafUses(order) : null;
    // a leaf is final after its last use; a use whose node gets no gradient counts as done too
    const used = (leaf: Tensor) => {
      if (!uses) return;
      const left = (uses.get(leaf) ?? 1) - 1;
      uses.set(leaf, left);
      if (left === 0 && leaf.grad) opts.onGradReady!(leaf);
    };
    const pending = new Map<Node, (Tensor | null)[]>();
    pending.set(rootNode, rootNode.outputShapes.map((_, i) => (i === root.gradFnOutput ? g0 : null)));
    for (const node of order) {
      const grads = pending.get(node);
      pending.delete(node);
      if (!grads || grads.every((g) => g === null)) {
        if (uses) for (const inp of node.inputs) if (inp && !inp.gradFn && inp.requiresGrad) used(inp);
        continue;
      }
      const inputs = node.inputs;
      const full = grads.map((g, i) => g ?? zerosOf(node.outputShapes[i], root));
      const inGrads = node.apply(full);
      for (const g of full) g.dispose();
      if (!opts.retainGraph) node.release();
      inputs.forEach((inp, i) => {
        const g = inGrads[i];
        if (!g) {
          if (inp && !inp.gradFn && inp.requiresGrad) used(inp);
          return;
        }
        if (!inp || !inp.requiresGrad) {
          g.dispose();
          return;
        }
        if (!sameShape(g.shape, inp.shape)) {
          throw new ShapeError(`internal: gradient of '${node.op}' input ${i} has shape ${fmt(g.shape)}, expected ${fmt(inp.shape)}`);
        }
        const prev = inp.gradFn;
        if (!prev) {
          addLeafGrad(inp, g);
          used(inp);
          return;
        }
        let slot = pending.get(prev);
        if (!slot) {
          slot = prev.outputShapes.map(() => null);
          pending.set(prev, slot);
        }
        const cur = slot[inp.gradFnOutput];
        if (cur) {
          accumulateInto(cur, g);
          g.dispose();
        } else {
          slot[inp.gradFnOutput] = g;
        }
      });
    }
  });
}

