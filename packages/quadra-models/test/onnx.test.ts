/**
 * ONNX export: every exportable block family, tiny and with random weights, run in onnxruntime-node
 * against our forward (relative L2 ≤ 1e-4); dynamic batch; the file through the protobuf decoder;
 * typed errors for blocks and options the exporter cannot write.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { ArgumentError } from '@quadranet/core';
import type { ValueInfoProto } from 'onnx-buf';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeOnnx, encodeOnnx, ExportError, exportOnnx, infer, PATCH4_STEM, QuadraNet, quadraNetToOnnx, SkipBlock, toPyTorchStateDict,
  type BlockKind, type QuadraNetOptions,
} from '../src/index.js';
import { randomise, relL2 } from './block-helpers.js';
import { nchwInput, ourLogits, runOnnx } from './onnx-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'quadra-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = (block: BlockKind, extra: Partial<QuadraNetOptions> = {}) =>
  new QuadraNet({ depths: [2, 2], dims: [16, 32], numClasses: 5, kernelSizes: [3, 5], stem: PATCH4_STEM, block, ...extra });

/** Exports `model` at size×size (batch 2), runs both, returns the relative L2 error of the logits. */
async function compare(model: QuadraNet, size: number, opset = 17): Promise<number> {
  model.eval();
  randomise(model, 3);
  const shape: [number, number, number, number] = [2, 3, size, size];
  const x = nchwInput(shape, 11);
  const bytes = encodeOnnx(quadraNetToOnnx(model, { height: size, width: size, batch: 2, opset }));
  const got = await runOnnx(bytes, x, shape);
  expect(got.dims).toEqual([2, 5]);
  return relL2(got.data, ourLogits(model, x, shape));
}

const measured: Record<string, number> = {};
afterAll(() => console.log(`ONNX vs ours, relative L2: ${JSON.stringify(measured)}`));

describe('ONNX export matches our forward in onnxruntime', () => {
  const cases: [string, () => QuadraNet, number][] = [
    ['QuadraNet blocks', () => tiny('quadra'), 32],
    ['ConvNeXt blocks', () => tiny('conv'), 32],
    ['HorNet (gⁿConv) blocks', () => tiny('hor'), 32],
    ['Swin blocks, padded and shifted windows (8×8 map, window 7)', () => tiny('swin'), 32],
    ['Swin blocks, shifted windows without padding (14×14 map)', () => tiny('swin', { depths: [2, 1] }), 56],
    ['mixed stages with a skip block', () => tiny('quadra', { block: ['conv', 'quadra'], chooseBlock: (s, i, d) => (s === 1 && i === 0 ? new SkipBlock(d) : null) }), 32],
  ];
  for (const [name, build, size] of cases) {
    it(name, async () => {
      const m = build();
      const err = await compare(m, size);
      measured[name] = err;
      expect(err).toBeLessThan(1e-4);
      m.dispose();
    });
  }

  it('opset 21 gives the same logits', async () => {
    const m = tiny('quadra');
    expect(await compare(m, 32, 21)).toBeLessThan(1e-4);
    m.dispose();
  });
});

describe('exportOnnx (files)', () => {
  const cfg = join(dir, 'tiny.config.json');
  const weights = join(dir, 'tiny.safetensors');
  const setup = () => {
    const m = tiny('quadra');
    randomise(m, 4);
    q.writeFileAtomic(cfg, JSON.stringify({ depths: [2, 2], dims: [16, 32], numClasses: 5, kernelSizes: [3, 5], block: 'quadra' }));
    const pre = JSON.stringify({ name: 'tiny', input: [32, 32, 3], normalize: { mean: [0, 0, 0], std: [1, 1, 1] } });
    q.saveTensors(weights, toPyTorchStateDict(m), { format: 'pt', 'quadranet.preprocess': pre });
    m.dispose();
  };

  it('a dynamic-batch export runs at batch 1 and 3 and equals `infer` (size from the weights metadata)', async () => {
    setup();
    const out = join(dir, 'dyn.onnx');
    const r = exportOnnx({ model: cfg, weights, out, batch: 'dynamic' });
    expect(r).toMatchObject({ onnx: out, opset: 17, input: ['N', 3, 32, 32], classes: 5 });
    const bytes = readFileSync(out);
    const t = decodeOnnx(bytes).graph!.input[0].type!.value;
    expect(t.case === 'tensorType' && t.value.shape!.dim[0].value).toEqual({ case: 'dimParam', value: 'N' });
    for (const n of [1, 3]) {
      const shape: [number, number, number, number] = [n, 3, 32, 32];
      const x = nchwInput(shape, n);
      q.saveTensors(join(dir, 'x.safetensors'), { input: q.tensor(x, shape) });
      const want = infer({ model: cfg, weights, input: join(dir, 'x.safetensors'), output: join(dir, 'l.safetensors') });
      const got = await runOnnx(bytes, x, shape);
      expect(got.dims).toEqual([n, 5]);
      const err = relL2(got.data, want.data());
      measured[`dynamic batch ${n} vs infer`] = err;
      expect(err).toBeLessThan(1e-4);
    }
  });

  it('the file decodes: opset, NCHW input, PyTorch-named weights, the ops the issue names', () => {
    setup();
    const out = join(dir, 'fixed.onnx');
    exportOnnx({ model: cfg, weights, out, batch: 4, opset: 18, size: [40, 40] });
    const m = decodeOnnx(readFileSync(out));
    expect(m.irVersion).toBe(8n);
    expect(m.opsetImport.map((o) => [o.domain, o.version])).toEqual([['', 18n]]);
    const g = m.graph!;
    const dims = (v: ValueInfoProto) => {
      const t = v.type!.value;
      if (t.case !== 'tensorType') throw new Error(`${v.name}: not a tensor`);
      return t.value.shape!.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.value));
    };
    expect(g.input.map((i) => i.name)).toEqual(['input']);
    expect(dims(g.input[0])).toEqual([4, 3, 40, 40]);
    expect(g.output.map((o) => o.name)).toEqual(['logits']);
    expect(dims(g.output[0])).toEqual([4, 5]);
    const inits = new Map(g.initializer.map((t) => [t.name, t.dims.map(Number)]));
    const dict = q.loadTensors(weights).tensors;
    for (const [k, t] of dict) expect(inits.get(k), k).toEqual([...t.shape]);
    expect(inits.get('stages.0.0.QuadraConv.conv1.weight')).toEqual([16, 1, 3, 3]);
    const ops = g.node.map((n) => n.opType);
    for (const op of ['Conv', 'LayerNormalization', 'Erf', 'MatMul', 'Gemm', 'GlobalAveragePool']) expect(ops, op).toContain(op);
    const dw = g.node.find((n) => n.input.includes('stages.1.0.QuadraConv.conv2.weight'))!;
    expect(dw.opType).toBe('Conv');
    expect(dw.attribute.find((a) => a.name === 'group')!.i).toBe(32n);
    expect(JSON.parse(m.metadataProps.find((p) => p.key === 'quadranet.preprocess')!.value!)).toMatchObject({ input: [32, 32, 3] });
  });

  it('rejects bad options and a training checkpoint given as weights, naming them', () => {
    setup();
    const out = join(dir, 'bad.onnx');
    expect(() => exportOnnx({ model: cfg, weights, out, opset: 16 })).toThrow(/opset must be an integer from 17 to 21, got 16/);
    expect(() => exportOnnx({ model: cfg, weights, out, batch: 0 })).toThrow(ArgumentError);
    expect(() => exportOnnx({ model: cfg, out })).toThrow(/model .*tiny\.config\.json needs its weights/);
    expect(() => exportOnnx({ out })).toThrow(/either a checkpoint, or a model with its weights/);
    expect(() => exportOnnx({ checkpoint: weights, model: cfg, weights, out })).toThrow(/not both/);
  });

  it('a block it cannot write is an ExportError naming the block and its path', () => {
    class Custom extends q.nn.Module {
      forward(x: q.Tensor): q.Tensor {
        return x;
      }
    }
    const m = tiny('quadra', { chooseBlock: (s, i) => (s === 1 && i === 1 ? new Custom() : null) });
    const call = () => quadraNetToOnnx(m, { height: 32, width: 32 });
    expect(call).toThrow(ExportError);
    expect(call).toThrow('Custom (stages.1.1) cannot be exported to ONNX yet');
    m.dispose();
  });
});
