/**
 * File-system error codes in words, one table for every package: the trainer's write errors, the
 * CLI's error line and the test-only write faults all say a cause the same way.
 */
const CAUSES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/**
 * What the errno `code` means, or undefined for a code not in the table. `context` overrides the
 * wording where the situation says more (writing a run: ENOENT is "the directory does not exist").
 */
export function errnoCause(code: string, context: Readonly<Record<string, string>> = {}): string | undefined {
  return context[code] ?? CAUSES[code];
}
