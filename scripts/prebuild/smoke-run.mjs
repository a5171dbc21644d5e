// Runs smoke.mjs (natively or under qemu) and returns the JSON result it prints as its last line.
import { spawnSync } from 'node:child_process';

export function runSmoke(label, cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${label}: smoke printed no result (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`.slice(0, 6000));
  }
}
