// Runs inside the installed test project (copied there by onnx-check.mjs), after `quadra train` wrote
// <dir>/checkpoint.safetensors: sets every layer scale γ of the checkpoint to seeded values in
// [0.5, 1] (trained for two steps they stay near their 1e-6 init, and the blocks would barely
// touch the logits being compared), and writes <dir>/x.safetensors, the `input` (N, C, H, W) that
// `quadra infer` and onnxruntime both read.
//   node onnx-fixture.mjs <dir> <N> <C> <H> <W>
import { join } from 'node:path';

import { loadTensors, saveTensors, tensor } from '@quadranet/core';

const [dir, ...dims] = process.argv.slice(2);
const shape = dims.map(Number);
if (!dir || shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
  console.error('usage: node onnx-fixture.mjs <dir> <N> <C> <H> <W>');
  process.exit(2);
}

const file = join(dir, 'checkpoint.safetensors');
const { tensors, metadata } = loadTensors(file);
let scaled = 0;
for (const [name, t] of tensors) {
  if (!/^model\..*\.gamma\d$/.test(name)) continue;
  tensors.set(name, tensor(Float32Array.from({ length: t.size }, (_, i) => 0.75 + 0.25 * Math.sin(1 + scaled * 7 + i)), [...t.shape]));
  scaled++;
}
if (!scaled) throw new Error(`${file} holds no layer scale (model.*.gamma1/2): not a QuadraNet checkpoint?`);
saveTensors(file, tensors, metadata);

const n = shape.reduce((a, b) => a * b, 1);
saveTensors(join(dir, 'x.safetensors'), { input: tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)), shape) });
console.log(JSON.stringify({ gammas: scaled, input: shape }));
