/** Reading and atomically writing safetensors files on disk. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkOptionKeys } from '../errors.js';
import { FileFormatError } from './errors.js';
import {
  float32LeBytes,
  parseSafetensors,
  planSafetensors,
  type SafetensorsFile,
  type TensorsInput,
} from './safetensors.js';
import { injectWriteFault, pauseMidWrite } from './write-faults.js';

export interface ReadOptions {
  /** Copy F32 data out of the file buffer instead of returning views into it. Default false. */
  copy?: boolean;
}

/**
 * Reads and parses a safetensors file.
 *
 * Not memory-mapped: Node has no mmap in core, so the whole file is read once into one fresh
 * ArrayBuffer (its own, never a slice of Node's shared Buffer pool). F32 tensors are zero-copy
 * Float32Array views into that buffer (the reference writer aligns the data to 8 bytes, so
 * they always are for such files; misaligned data is copied), which means all tensors of one
 * file share one ArrayBuffer that stays alive while any of them does. Pass `{copy: true}` to
 * give each tensor its own buffer. F16, BF16 and F64 tensors are converted to new Float32Arrays.
 *
 * Errors from the file system (ENOENT, EACCES, EISDIR...) are thrown as Node reports them,
 * with their `code` and the path in the message; format errors are FileFormatError whose
 * message starts with the path.
 */
export function readSafetensors(path: string, options: ReadOptions = {}): SafetensorsFile {
  checkOptionKeys('readSafetensors', options, ['copy'], 'options');
  const bytes = readWholeFile(path);
  return parseSafetensors(bytes, { source: path, copy: options.copy });
}

function readWholeFile(path: string): Uint8Array {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let buf: Uint8Array;
    try {
      // allocUnsafeSlow: a buffer of its own (never the shared pool), not zero-filled.
      const b = Buffer.allocUnsafeSlow(size);
      buf = new Uint8Array(b.buffer, b.byteOffset, b.length);
    } catch (e) {
      throw new FileFormatError(`${path}: file of ${size} bytes is too large to read into one buffer`, { file: path }, { cause: e });
    }
    let pos = 0;
    while (pos < size) {
      const n = fs.readSync(fd, buf, pos, size - pos, pos);
      if (n === 0) break; // truncated while reading: parse what is there
      pos += n;
    }
    return pos === size ? buf : buf.subarray(0, pos);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes all of `bytes` at the current position of `fd` (writeSync may write less). */
function writeAll(fd: number, bytes: Uint8Array): void {
  const CHUNK = 1 << 26; // 64 MiB per call keeps each write well under platform limits
  let pos = 0;
  while (pos < bytes.length) {
    pos += fs.writeSync(fd, bytes, pos, Math.min(CHUNK, bytes.length - pos));
  }
}

/**
 * Writes float32 tensors as a safetensors file, atomically: the bytes go to a temporary file in
 * the same directory, which is fsynced, closed and renamed over `path` (then the directory is
 * fsynced, where the platform allows). On any failure the temporary file is removed and an
 * existing file at `path` is left untouched. Tensor data is streamed from the Float32Arrays
 * (no second copy of the whole file in memory). Same layout as serializeSafetensors.
 * @example
 *   writeSafetensors('model.safetensors', { 'fc.weight': { shape: [10, 64], data } }, { format: 'pt' });
 */
/**
 * Writes a file atomically: `write` fills a temporary file beside the target, which is fsynced
 * and renamed over it; on any failure the temporary file is removed and the target is untouched.
 */
export function writeAtomic(path: string, write: (fd: number) => void): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  injectWriteFault(tmp, path, 'open');
  const fd = fs.openSync(tmp, 'wx', 0o644);
  let open = true;
  try {
    injectWriteFault(tmp, path, 'write');
    write(fd);
    fs.fsyncSync(fd);
    open = false;
    fs.closeSync(fd);
    fs.renameSync(tmp, path);
  } catch (e) {
    if (open) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing more can be done; report the original error
    }
    throw e;
  }
  syncDir(dir);
}

const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** For the name of a temporary file writeAtomic writes (`.<name>.<pid>.<hex>.tmp`), the target's name; null for any other name. */
export function atomicTempTarget(name: string): string | null {
  return TEMP_NAME.exec(name)?.[1] ?? null;
}

/**
 * Removes the temporary files writeAtomic left in `dir` (a process killed mid-write leaves
 * `.<name>.<pid>.<hex>.tmp`) whose writer no longer runs; returns their paths. Such a file is never
 * read as the target: the target is only ever replaced by a complete, fsynced file.
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = TEMP_NAME.exec(name);
    if (!m || processRuns(Number(m[2]))) continue;
    try {
      fs.unlinkSync(join(dir, name));
      removed.push(join(dir, name));
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/** A text or binary file written atomically (see writeAtomic). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  writeAtomic(path, (fd) => {
    fs.writeFileSync(fd, content);
  });
}

export function writeSafetensors(path: string, tensors: TensorsInput, metadata?: Record<string, string>): void {
  const plan = planSafetensors(tensors, metadata);
  writeAtomic(path, (fd) => {
    writeAll(fd, plan.prefix);
    pauseMidWrite();
    for (const p of plan.tensors) writeAll(fd, float32LeBytes(p.tensor.data));
  });
}

/** Persists the rename. Best effort: some platforms (Windows) cannot open or fsync a directory. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // unsupported here; the data itself was fsynced before the rename
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // ignore
      }
    }
  }
}
