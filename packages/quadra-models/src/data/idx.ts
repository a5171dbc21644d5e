/**
 * IDX files (the MNIST format): a big-endian header — two zero bytes, a type byte (0x08 = uint8),
 * the number of dimensions — then one u32 per dimension and the data. Gzip is undone first.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from './errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses IDX bytes (gzip-compressed or not). `name` appears in every error. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  let raw = bytes;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (err) {
      throw new DatasetError(`${name}: corrupt gzip data (${(err as Error).message})`);
    }
  }
  if (raw.length < 4) throw new DatasetError(`${name}: ${raw.length} bytes is too short for an IDX header`);
  if (raw[0] !== 0 || raw[1] !== 0) throw new DatasetError(`${name}: not an IDX file (magic bytes ${raw[0]}, ${raw[1]}; expected 0, 0)`);
  if (raw[2] !== 0x08) throw new DatasetError(`${name}: IDX element type 0x${raw[2].toString(16)} is not supported (expected 0x08, unsigned bytes)`);
  const nd = raw[3];
  if (nd < 1 || nd > 4) throw new DatasetError(`${name}: IDX with ${nd} dimensions (expected 1 to 4)`);
  const head = 4 + 4 * nd;
  if (raw.length < head) throw new DatasetError(`${name}: truncated IDX header (${raw.length} bytes, need ${head})`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (raw.length - head !== count) {
    throw new DatasetError(`${name}: header says ${dims.join('×')} = ${count} values, the file holds ${raw.length - head}`);
  }
  return { dims, data: raw.subarray(head) };
}

export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DatasetError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseIdx(bytes, path);
}
