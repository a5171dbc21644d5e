/**
 * The crash test, short: three SIGKILLed runs of `quadra train` (one during a checkpoint write, held
 * open by the test-only write pause) resume from a complete checkpoint with the reference's losses.
 * `pnpm bench crash` runs the full 20 trials.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CRASH_DEFAULTS, runCrashTest } from '../src/crash.js';

const CLI = fileURLToPath(new URL('../../packages/quadra-cli/dist/cli.js', import.meta.url));

describe.skipIf(!existsSync(CLI))('crash test (needs the built CLI)', () => {
  it('3 trials: every killed run resumes bit-exactly, a kill during a write leaves the previous checkpoint and a temporary file the resume removes', async () => {
    const s = await runCrashTest({ ...CRASH_DEFAULTS, trials: 3, epochs: 2, pauseMs: 1000 });
    expect(s.failures).toEqual([]);
    expect(s.resumedOk).toBe(3);
    expect(s.maxDiff).toBe(0);
    const timed = s.trials.find((t) => t.kind === 'during-write')!;
    expect(timed.tempsAfterKill).toBe(1);
    expect(timed.finishedBeforeKill).toBe(false);
  }, 240_000);
});
