// Runs inside the installed test project (natively or under qemu): the ONNX model that `quadra export`
// wrote, run by onnxruntime-node (installed in a side folder, its binding for this platform), on the
// input `quadra infer` read; its logits against `quadra infer`'s, and those against a reference
// run's (the host's). Prints one JSON line; exits 1 when a relative L2 error is over the tolerance.
//   node onnx-compare.mjs <ort folder> <model.onnx> <x.safetensors> <logits.safetensors> [<reference logits.safetensors>]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import { loadTensors } from '@quadranet/core';
import { relErr } from '@quadranet/models';

const TOL = 1e-4;
const [ortDir, model, inputFile, logitsFile, refFile] = process.argv.slice(2);
if (!logitsFile) {
  console.error('usage: node onnx-compare.mjs <ort folder> <model.onnx> <x.safetensors> <logits.safetensors> [<reference logits.safetensors>]');
  process.exit(2);
}

const require = createRequire(resolve(ortDir, 'package.json'));
const ort = require('onnxruntime-node');
// The binding onnxruntime-node loads (bin/napi-v6/<platform>/<arch>), as it resolves it.
const binding = require.resolve(`onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`);
const version = require('onnxruntime-node/package.json').version;

const read = (file, name) => {
  const t = loadTensors(file).tensors.get(name);
  if (!t) throw new Error(`${file} has no tensor '${name}'`);
  return { data: Float32Array.from(t.data()), shape: [...t.shape] };
};
const x = read(inputFile, 'input');
const ours = read(logitsFile, 'logits');

const session = await ort.InferenceSession.create(readFileSync(model), { intraOpNumThreads: 1, interOpNumThreads: 1 });
let got;
try {
  got = (await session.run({ input: new ort.Tensor('float32', x.data, x.shape) })).logits;
} finally {
  await session.release();
}

const failures = [];
const shape = [...got.dims];
if (shape.join(',') !== ours.shape.join(',')) failures.push(`onnxruntime logits have shape [${shape}], quadra infer's [${ours.shape}]`);
const relOrt = relErr(got.data, ours.data);
if (!(relOrt <= TOL)) failures.push(`onnxruntime vs quadra infer: relative L2 ${relOrt.toExponential(2)} > ${TOL}`);
let relRef = null;
if (refFile) {
  relRef = relErr(ours.data, read(refFile, 'logits').data);
  if (!(relRef <= TOL)) failures.push(`quadra infer vs the reference run: relative L2 ${relRef.toExponential(2)} > ${TOL}`);
}
console.log(JSON.stringify({ platform: `${process.platform}-${process.arch}`, ort: version, binding, shape, relOrt, relRef, failures }));
process.exit(failures.length ? 1 : 0);
