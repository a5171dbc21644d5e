/** PNG/JPEG input: decoding, channel conversion, resizing by area, normalisation. */
import { ArgumentError, FileFormatError } from '@quadranet/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, imageKind, imageToInput, type RgbaImage } from '../src/index.js';

function rgba(width: number, height: number, px: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...px(x, y), 255], 4 * (y * width + x));
  return { width, height, data };
}

const pngOf = (img: RgbaImage) => {
  const p = new PNG({ width: img.width, height: img.height });
  p.data.set(img.data);
  return new Uint8Array(PNG.sync.write(p));
};

describe('images', () => {
  const img = rgba(4, 4, (x, y) => [x * 60, y * 60, 10]);

  it('decodes PNG exactly and JPEG closely, telling them by their bytes', () => {
    const png = pngOf(img);
    expect(imageKind(png)).toBe('png');
    expect(decodeImage(png)).toEqual({ width: 4, height: 4, data: img.data });
    const jpg = new Uint8Array(jpeg.encode({ width: 4, height: 4, data: img.data }, 100).data);
    expect(imageKind(jpg)).toBe('jpeg');
    const back = decodeImage(jpg);
    expect([back.width, back.height]).toEqual([4, 4]);
    back.data.forEach((v, i) => expect(Math.abs(v - img.data[i])).toBeLessThan(12));
  });

  it('rejects other bytes and broken images with a FileFormatError naming the file', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3]), 'a.gif')).toThrow(/a\.gif: not a PNG or JPEG image/);
    const broken = pngOf(img).subarray(0, 40);
    expect(() => decodeImage(broken, 'b.png')).toThrow(FileFormatError);
    expect(() => decodeImage(broken, 'b.png')).toThrow(/b\.png: cannot decode the PNG image/);
  });

  it('shrinks by area averaging, converts to luma and normalises', () => {
    const out = imageToInput(img, { input: [2, 2, 1], mean: [0.5], std: [0.25] });
    // top-left 2x2 block: R = 0, 60, 0, 60 (mean 30); G = 0, 0, 60, 60 (mean 30); B = 10
    const luma = 0.299 * 30 + 0.587 * 30 + 0.114 * 10;
    expect(out[0]).toBeCloseTo((luma / 255 - 0.5) / 0.25, 5);
    expect(out).toHaveLength(4);
  });

  it('keeps RGB for 3-channel models with a mean and std per channel, and enlarges by nearest', () => {
    const out = imageToInput(rgba(1, 1, () => [255, 0, 51]), { input: [2, 3, 3], mean: [0, 0.5, 0], std: [1, 0.5, 0.2] });
    expect(out).toHaveLength(18);
    for (let i = 0; i < 6; i++) expect([...out.subarray(3 * i, 3 * i + 3)].map((v) => +v.toFixed(5))).toEqual([1, -1, 1]);
  });

  it('says which channel counts images can feed', () => {
    expect(() => imageToInput(img, { input: [2, 2, 2], mean: [0, 0], std: [1, 1] })).toThrow(ArgumentError);
  });
});
