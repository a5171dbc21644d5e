/** Atomic text files: written to a temporary file beside the target, fsynced, then renamed over it. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeTextAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  let open = true;
  try {
    fs.writeFileSync(fd, text, 'utf8');
    fs.fsyncSync(fd);
    open = false;
    fs.closeSync(fd);
    fs.renameSync(tmp, path);
  } catch (e) {
    if (open) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: report the original error
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing more to do: report the original error
    }
    throw e;
  }
}
