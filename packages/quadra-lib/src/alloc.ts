import { nativeLoadError, requireNative } from './native.js';

/**
 * A zeroed Float32Array whose data starts on a 64-byte boundary. The kernels read whole cache
 * lines per vector; an unaligned buffer makes every AVX-512 load span two lines (about 1.5x slower
 * here). Falls back to a plain Float32Array when the native module is not loaded.
 */
export function allocFloat32(length: number): Float32Array {
  const native = nativeLoadError() === null ? requireNative() : null;
  if (!native || length === 0) return new Float32Array(length);
  const buffer = new ArrayBuffer(length * 4 + 64);
  return new Float32Array(buffer, native.alignOffset(buffer) * 4, length);
}
