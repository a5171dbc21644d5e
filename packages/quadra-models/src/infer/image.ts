/**
 * PNG and JPEG files as model input: decoded (pngjs, jpeg-js), converted to the model's channels
 * (1: luma 0.299 R + 0.587 G + 0.114 B; 3: RGB; alpha ignored), resized to the training size
 * (area averaging when shrinking, nearest when enlarging), scaled to [0, 1] and normalised.
 */
import { ArgumentError, FileFormatError } from '@quadranet/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** 8-bit RGBA pixels, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function imageKind(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

export function decodeImage(bytes: Uint8Array, source = 'image'): RgbaImage {
  const kind = imageKind(bytes);
  try {
    if (kind === 'png') {
      const p = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: p.width, height: p.height, data: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength) };
    }
    if (kind === 'jpeg') {
      const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { width: j.width, height: j.height, data: j.data };
    }
  } catch (err) {
    throw new FileFormatError(`${source}: cannot decode the ${kind!.toUpperCase()} image: ${(err as Error).message}`, { file: source }, { cause: err });
  }
  throw new FileFormatError(`${source}: not a PNG or JPEG image`, { file: source });
}

export interface Preprocess {
  /** Target [height, width, channels] (channels 1 or 3). */
  input: [number, number, number];
  mean: number[];
  std: number[];
}

/** One image as normalised NHWC float32 [h, w, c] at the target size. */
export function imageToInput(img: RgbaImage, p: Preprocess): Float32Array {
  const [H, W, C] = p.input;
  if (C !== 1 && C !== 3) throw new ArgumentError(`images can feed 1- or 3-channel models; this one takes ${C} channels`);
  const out = new Float32Array(H * W * C);
  const px = (x: number, y: number, c: number) => {
    const i = 4 * (y * img.width + x);
    const d = img.data;
    return C === 1 ? 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2] : d[i + c];
  };
  for (let oy = 0; oy < H; oy++) {
    const y0 = Math.floor((oy * img.height) / H);
    const y1 = Math.max(y0 + 1, Math.ceil(((oy + 1) * img.height) / H));
    for (let ox = 0; ox < W; ox++) {
      const x0 = Math.floor((ox * img.width) / W);
      const x1 = Math.max(x0 + 1, Math.ceil(((ox + 1) * img.width) / W));
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += px(x, y, c);
        const v = s / ((y1 - y0) * (x1 - x0)) / 255;
        out[(oy * W + ox) * C + c] = (v - p.mean[c]) / p.std[c];
      }
    }
  }
  return out;
}
