/**
 * Writing a run's files (checkpoint, metrics, curves): a file-system failure becomes one typed line
 * naming the file, the cause in words and the checkpoint that is kept. The writes themselves are
 * atomic, so the previous file at the path is untouched when one fails.
 */
import { basename, dirname, join } from 'node:path';
import { atomicTempTarget, errnoCause } from '@quadranet/core';
import { OutputWriteError } from './errors.js';

// writing a run's files: a missing path means the output directory is gone
const WRITE_CONTEXT = { ENOENT: 'the directory does not exist' };

/** The cause of a file-system error in words, with its code: "no space left on device (ENOSPC)". */
export function writeCause(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const cause = code ? errnoCause(code, WRITE_CONTEXT) : undefined;
  if (cause) return `${cause} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

/** The file a failed write was for: the target of writeAtomic's temporary file `.<name>.<pid>.<hex>.tmp`, or the error's path. */
function target(err: NodeJS.ErrnoException, fallback: string): string {
  if (!err.path) return fallback;
  const name = atomicTempTarget(basename(err.path));
  return name !== null ? join(dirname(err.path), name) : err.path;
}

/**
 * Runs `write` (which writes `path`, or files in it); a file-system error (one with an errno code)
 * becomes an OutputWriteError: "cannot write FILE: CAUSE; KEPT". Other errors pass through.
 */
export function guardWrite<T>(path: string, kept: () => string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw err;
    const file = target(err as NodeJS.ErrnoException, path);
    throw new OutputWriteError(`cannot write ${file}: ${writeCause(err)}; ${kept()}`, file, code, { cause: err });
  }
}
