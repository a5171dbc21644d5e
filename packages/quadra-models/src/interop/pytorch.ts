/**
 * PyTorch state dicts ↔ our parameters. Names are shared (the reference's names); layouts differ
 * only for convolutions: dense conv weights are OIHW there and OHWI here, depthwise weights
 * [C, 1, k, k] there and [k, k, C] here, 1×1 convs [O, I, 1, 1] there may load into a Linear [O, I].
 * Linear weights ([out, in]), norms, layer scales and tables are identical.
 */
import {
  ShapeError, depthwiseOihwToHwc, fromArray, hwcToDepthwiseOihw, nn, ohwiToOihw, oihwToOhwi, type Tensor,
} from '@quadranet/core';

interface Raw {
  shape: readonly number[];
  data: Float32Array;
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Converts one PyTorch tensor to the layout of our parameter `ours`, or throws a ShapeError. */
export function fromTorchLayout(name: string, src: Raw, ours: readonly number[]): Raw {
  const s = src.shape;
  if (same(s, ours)) return src;
  if (s.length === 4 && ours.length === 4 && same([s[0], s[2], s[3], s[1]], ours)) return oihwToOhwi(src);
  if (s.length === 4 && s[1] === 1 && ours.length === 3 && same([s[2], s[3], s[0]], ours)) return depthwiseOihwToHwc(src);
  if (s.length === 4 && s[2] === 1 && s[3] === 1 && same([s[0], s[1]], ours)) return { shape: [s[0], s[1]], data: src.data };
  throw new ShapeError(`${name}: PyTorch shape [${s.join(', ')}] does not map onto our [${ours.join(', ')}]`);
}

function rawOf(t: Tensor | Raw): Raw {
  // dataSync(): a host copy when the tensor is on cuda (a zero-copy view on cpu)
  const d = typeof (t as Tensor).dataSync === 'function' ? (t as Tensor).dataSync() : (t as Raw).data;
  return { shape: [...t.shape], data: d as Float32Array };
}

/**
 * Loads a PyTorch state dict (names as the reference, PyTorch layouts) into `model`, converting
 * layouts by shape. Strict by default: missing, unexpected and mis-shaped keys are all reported
 * (a StateDictError whose message starts with `context`, e.g. the weights file and the model).
 */
export function loadPyTorchStateDict(model: nn.Module, dict: Map<string, Tensor | Raw>, opts: { strict?: boolean; context?: string } = {}): nn.LoadReport {
  const ours = model.stateDict();
  const converted = new Map<string, Raw>();
  const mismatched: string[] = [];
  for (const [k, v] of dict) {
    const p = ours.get(k);
    if (!p) {
      converted.set(k, rawOf(v));
      continue;
    }
    try {
      converted.set(k, fromTorchLayout(k, rawOf(v), p.shape));
    } catch (err) {
      mismatched.push((err as Error).message);
      converted.set(k, rawOf(v));
    }
  }
  const report = model.loadStateDict(converted, { strict: false });
  if ((opts.strict ?? true) && (report.missing.length || report.unexpected.length || report.mismatched.length)) {
    throw new nn.StateDictError({ ...report, mismatched: mismatched.length ? mismatched : report.mismatched }, opts.context);
  }
  return report;
}

/** Our parameters as a PyTorch state dict (OIHW convs, [C, 1, k, k] depthwise), ready for saveTensors. */
export function toPyTorchStateDict(model: nn.Module): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [prefix, m] of model.namedModules()) {
    for (const [k, p] of m.ownParameters()) {
      const name = prefix ? `${prefix}.${k}` : k;
      const raw = rawOf(p);
      let conv: Raw = raw;
      if (k === 'weight' && m instanceof nn.Conv2d) conv = ohwiToOihw(raw);
      else if (k === 'weight' && m instanceof nn.DepthwiseConv2d) conv = hwcToDepthwiseOihw(raw);
      out.set(name, conv === raw ? p : fromArray(conv.data, conv.shape));
    }
  }
  return out;
}
