/**
 * IEEE 754 binary16 (F16) and bfloat16 (BF16) to float32 conversion, done on bit patterns so
 * that every value, subnormals, infinities and NaN payloads included, maps exactly.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The float32 bit pattern of one binary16 bit pattern. */
export function halfBitsToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) {
    // Inf (mant 0) or NaN; keep the payload in the high mantissa bits.
    return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  }
  if (exp !== 0) {
    // Normal: rebias 15 -> 127.
    return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  }
  if (mant === 0) return sign >>> 0; // signed zero
  // Subnormal: value = mant * 2^-24. Shift the leading 1 up to bit 10, adjusting the exponent.
  let e = 113; // biased float32 exponent of 2^-14, the exponent of the largest subnormal's lead bit + 1
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  mant &= 0x3ff;
  return (sign | (e << 23) | (mant << 13)) >>> 0;
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The float value of one binary16 bit pattern (0..0xffff). */
export function halfToFloat(h: number): number {
  scratchBits[0] = halfBitsToFloatBits(h & 0xffff);
  return scratch[0];
}

/** The float value of one bfloat16 bit pattern (0..0xffff): the top half of a float32. */
export function bfloat16ToFloat(h: number): number {
  scratchBits[0] = (h & 0xffff) << 16;
  return scratch[0];
}

let halfTable: Uint32Array | undefined;

/** All 65536 float32 bit patterns, built on first use (256 KiB). */
function table(): Uint32Array {
  if (halfTable === undefined) {
    halfTable = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfBitsToFloatBits(h);
  }
  return halfTable;
}

/** `count` little-endian u16 values at `bytes[offset..]`: a view when aligned, else a copy. */
function u16At(bytes: Uint8Array, offset: number, count: number): Uint16Array {
  const abs = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN && abs % 2 === 0) return new Uint16Array(bytes.buffer, abs, count);
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = bytes[offset + 2 * i] | (bytes[offset + 2 * i + 1] << 8);
  return out;
}

/** Decodes `count` little-endian F16 values at `bytes[offset..]` into a new Float32Array. */
export function decodeF16(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  const src = u16At(bytes, offset, count);
  const t = table();
  for (let i = 0; i < count; i++) bits[i] = t[src[i]];
  return out;
}

/** Decodes `count` little-endian BF16 values at `bytes[offset..]` into a new Float32Array. */
export function decodeBF16(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  const src = u16At(bytes, offset, count);
  for (let i = 0; i < count; i++) bits[i] = src[i] << 16;
  return out;
}
