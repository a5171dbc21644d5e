/** Fuzz-target helpers every package's fast-check tests share (`@quadranet/lib/testing`; core's testing re-exports them). */
/**
 * Run counts of the fuzz targets (fast-check properties in the packages' tests): a short pass by
 * default (what CI runs), QUADRA_FUZZ_RUNS inputs per target for a long run. The seed is
 * QUADRA_SEED or random, printed so a failure replays.
 */
export function fuzzParams(label: string, ciRuns: number): { numRuns: number; seed: number } {
  const runs = Number(process.env.QUADRA_FUZZ_RUNS);
  const numRuns = Number.isSafeInteger(runs) && runs > 0 ? runs : ciRuns;
  const env = process.env.QUADRA_SEED;
  const seed = env !== undefined && env !== '' ? Number(env) | 0 : (Math.random() * 2 ** 31) | 0;
  console.log(`[${label}] ${numRuns} inputs, seed ${seed} (replay with QUADRA_SEED=${seed})`);
  return { numRuns, seed };
}

/** Counts a fuzz target's outcomes: inputs accepted, rejected, and the distinct rejection messages (numbers elided). */
export class FuzzTally {
  accepted = 0;
  rejected = 0;
  readonly kinds = new Map<string, number>();
  reject(message: string): void {
    this.rejected++;
    const kind = message.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, 'N').slice(0, 60);
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }
  summary(label: string): string {
    return `[${label}] ${this.accepted + this.rejected} inputs: ${this.accepted} accepted, ${this.rejected} rejected with a typed error (${this.kinds.size} distinct messages), 0 crashes`;
  }
}
