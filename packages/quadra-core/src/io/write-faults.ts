/**
 * Test-only fault injection for atomic writes, read from the environment so that a test can reach
 * a child process (`quadra train`). Never set these outside tests.
 *
 * - `QUADRA_TEST_WRITE_FAULT=<CODE>[@<file name>]`: writeAtomic fails as the operating system would,
 *   for every target (or only the one whose base name is given): `EROFS` when the temporary file is
 *   opened, `ENOSPC` (or any other code) when its bytes are written. The target is left untouched,
 *   as with a real fault.
 * - `QUADRA_TEST_WRITE_PAUSE_MS=<ms>`: writeSafetensors sleeps this long after writing the header of
 *   the temporary file and before its tensor data, so a test can kill the process while the file is
 *   half-written (the crash test polls for the temporary file, then sends SIGKILL).
 */
import { basename } from 'node:path';
import { errnoCause } from './errno.js';

const FAULT_ENV = 'QUADRA_TEST_WRITE_FAULT';
const PAUSE_ENV = 'QUADRA_TEST_WRITE_PAUSE_MS';


/** The injected fault for writing `path` (the temporary file for `target`) at `stage`, as a Node-style error, or null. */
function injected(path: string, target: string, stage: 'open' | 'write'): NodeJS.ErrnoException | null {
  const spec = process.env[FAULT_ENV];
  if (!spec) return null;
  const [code, only] = spec.split('@');
  if (only !== undefined && only !== basename(target)) return null;
  if ((code === 'EROFS') !== (stage === 'open')) return null;
  const err = new Error(`${code}: ${errnoCause(code) ?? 'injected fault'} (${FAULT_ENV}), ${stage} '${path}'`) as NodeJS.ErrnoException;
  err.code = code;
  err.syscall = stage;
  err.path = path;
  return err;
}

/** Throws the injected fault for this stage of writing `path` (the temporary file for `target`), if one is set. */
export function injectWriteFault(path: string, target: string, stage: 'open' | 'write'): void {
  const err = injected(path, target, stage);
  if (err) throw err;
}

/** Sleeps QUADRA_TEST_WRITE_PAUSE_MS milliseconds, if set (a half-written temporary file for crash tests). */
export function pauseMidWrite(): void {
  const ms = Number(process.env[PAUSE_ENV] ?? 0);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
