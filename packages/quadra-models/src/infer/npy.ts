/**
 * NumPy .npy files (format versions 1–3): little-endian float32 ('<f4'), float64 ('<f8') and
 * uint8 ('|u1') arrays in C order. Anything else is a FileFormatError naming what was found.
 */
import { readFileSync } from 'node:fs';
import { FileFormatError } from '@quadranet/core';

export interface NpyArray {
  dtype: 'float32' | 'float64' | 'uint8';
  shape: number[];
  data: Float32Array | Float64Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DTYPES = { '<f4': ['float32', 4], '<f8': ['float64', 8], '|u1': ['uint8', 1], '<u1': ['uint8', 1] } as const;

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** Parses the bytes of a .npy file; `source` names it in errors. */
export function parseNpy(bytes: Uint8Array, source = 'npy'): NpyArray {
  const fail = (what: string) => new FileFormatError(`${source}: ${what}`, { file: source });
  if (!isNpy(bytes)) throw fail('not a .npy file (no \\x93NUMPY magic)');
  if (bytes.length < 10) throw fail('truncated header');
  const major = bytes[6];
  if (major < 1 || major > 3) throw fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw fail('truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes + headerLen;
  if (start > bytes.length) throw fail(`header of ${headerLen} bytes runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, start));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw fail(`header lacks descr, fortran_order or shape: ${header.trim()}`);
  if (!(descr in DTYPES)) throw fail(`dtype '${descr}' is not supported; expected little-endian float32 '<f4', float64 '<f8' or uint8 '|u1'`);
  if (fortran === 'True') throw fail('Fortran-order arrays are not supported; save a C-order array (np.ascontiguousarray)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw fail(`bad shape (${shapeText})`);
  const [dtype, size] = DTYPES[descr as keyof typeof DTYPES];
  const n = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start < n * size) throw fail(`holds ${bytes.length - start} data bytes, shape (${shape.join(', ')}) of ${dtype} needs ${n * size}`);
  // a copy with its own aligned buffer (Buffer#slice would share the file's)
  const raw = Uint8Array.prototype.slice.call(bytes, start, start + n * size);
  const data = dtype === 'float32' ? new Float32Array(raw.buffer, 0, n) : dtype === 'float64' ? new Float64Array(raw.buffer, 0, n) : raw;
  return { dtype, shape, data };
}

export function readNpy(path: string): NpyArray {
  return parseNpy(readFileSync(path), path);
}
