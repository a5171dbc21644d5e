/**
 * Fuzzes checkpoint loading (fast-check): a valid checkpoint of a small model and AdamW, with the
 * training state JSON edited (fields replaced, deleted, nudged), the safetensors header edited
 * (tensor names, shapes, dtypes, offsets, metadata), or bytes overwritten and cut. loadCheckpoint
 * (and restoring the generator state from it, as a resume does) must succeed or throw a typed
 * error (CheckpointError, FileFormatError, ...); nothing else. QUADRA_FUZZ_RUNS scales the run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as q from '@quadranet/core';
import { applyJsonEdits, FuzzTally, fuzzParams, type JsonEdit } from '@quadranet/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint, type TrainState } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'quadra-ckpt-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const odd = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -1, 0.5, 1e308, 2 ** 53, '', 'x', true, [], {}, [1, 2, 3, 4], { s: [1, 2, 3, 4], spare: null }, 'F32', [2, 3], [0, 8]),
  fc.jsonValue({ maxDepth: 2 }),
);
const at = fc.array(fc.nat(), { maxLength: 6 });
const editsArb: fc.Arbitrary<JsonEdit[]> = fc.array(
  fc.oneof(fc.record({ at, set: odd }), fc.record({ at, del: fc.constant(true as const) }), fc.record({ at, nudge: fc.integer({ min: -40, max: 40 }) })),
  { minLength: 1, maxLength: 3 },
);

/** A small model: a Linear and a LayerNorm (4 parameters), AdamW after one step (m and v for each). */
function makeModel(): { model: q.nn.Module; opt: q.optim.AdamW } {
  const model = new q.nn.Sequential(new q.nn.Linear(3, 4), new q.nn.LayerNorm(4));
  const opt = new q.optim.AdamW(model.parameters(), { lr: 1e-3 });
  // one step, so the optimizer has its m and v buffers to save and load
  const loss = q.scope(() => q.sum(model.forward(q.ones([2, 3]))));
  loss.backward();
  loss.dispose();
  opt.step();
  opt.zeroGrad();
  return { model, opt };
}

/** The valid checkpoint's bytes split into header JSON and data. */
function validParts(): { header: Record<string, unknown>; data: Uint8Array } {
  const { model, opt } = makeModel();
  const state: TrainState = { epoch: 1, step: 3, config: { lr: 1e-3 }, rng: q.defaultGenerator.getState(), optimizer: { step: 0, lr: 0 }, history: [{ loss: 1 }] };
  const path = join(dir, 'valid.ckpt');
  saveCheckpoint(path, model, opt, state);
  model.dispose();
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')), data: new Uint8Array(bytes.subarray(8 + n)) };
}

function assemble(header: unknown, data: Uint8Array): Uint8Array {
  const h = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const tally = new FuzzTally();
const target = makeModel();
const file = join(dir, 'fuzz.ckpt');

function loadOne(bytes: Uint8Array): void {
  writeFileSync(file, bytes);
  try {
    const state = loadCheckpoint(file, target.model, target.opt);
    new q.Generator().setState(state.rng);
  } catch (e) {
    if (!(e instanceof q.QuadraError)) throw e;
    tally.reject(`${e.name}: ${e.message.replace(file, 'FILE')}`);
    return;
  }
  tally.accepted++;
}

describe('checkpoint loading (fuzz)', () => {
  const { numRuns, seed } = fuzzParams('checkpoint-fuzz', 300);
  const base = validParts();
  afterAll(() => console.log(tally.summary('checkpoint-fuzz')));

  it('replays the committed corpus', () => {
    const cdir = new URL('./fixtures/fuzz/', import.meta.url);
    const files = readdirSync(cdir).filter((f) => f.endsWith('.ckpt'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect(() => loadOne(new Uint8Array(readFileSync(new URL(f, cdir)))), f).not.toThrow();
  });

  it('the training state edited', () => {
    const meta = base.header.__metadata__ as Record<string, string>;
    const state = JSON.parse(meta.state);
    fc.assert(fc.property(editsArb, fc.boolean(), (edits, asText) => {
      const edited = applyJsonEdits(state, edits);
      const text = asText && typeof (edits[0] as { set?: unknown }).set === 'string' ? String((edits[0] as { set: string }).set) : JSON.stringify(edited);
      loadOne(assemble({ ...base.header, __metadata__: { ...meta, state: text } }, base.data));
    }), { numRuns, seed });
  });

  it('the safetensors header edited', () => {
    fc.assert(fc.property(editsArb, (edits) => loadOne(assemble(applyJsonEdits(base.header, edits), base.data))), { numRuns, seed });
  });

  it('bytes overwritten or cut', () => {
    const bytes = assemble(base.header, base.data);
    fc.assert(fc.property(fc.array(fc.record({ pos: fc.nat(), byte: fc.nat(255) }), { maxLength: 3 }), fc.option(fc.nat(), { nil: undefined }), (edits, cut) => {
      let g: Uint8Array = bytes.slice();
      for (const e of edits) g[e.pos % g.length] = e.byte;
      if (cut !== undefined) g = g.subarray(0, cut % (g.length + 1));
      loadOne(g);
    }), { numRuns, seed });
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
  });
});
