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
      return;
    }
    const pending = new Map<Node, (Tensor | null)[]>();
    pending.set(rootNode, rootNode.outputShapes.map((_, i) => (i === root.gradFnOutput ? g0 : null)));
    for (const node of topoOrder(rootNode)) {
      const grads = pending.get(node);
      pending.delete(node);
      if (!grads || grads.every((g) => g === null)) continue;
      const inputs = node.inputs;
      const full = grads.map((g, i) => g ?? zerosOf(node.outputShapes[i], root));
      const inGrads = node.apply(full);
      for (const g of full) g.dispose();
      if (!opts.retainGraph) node.release();
      inputs.forEach((inp, i) => {
        const g = inGrads[i];
        if (!g) return;
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

