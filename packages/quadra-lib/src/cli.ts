#!/usr/bin/env node
/** `quadra` command line: `quadra info [--json]`. */
import { Command } from 'commander';

import { info } from './info.js';

const program = new Command('quadra').description('QuadraNet.ts command line');

program
  .command('info')
  .description('version, SIMD target, threads and CUDA status of the native module')
  .option('--json', 'print one JSON object')
  .action((opts: { json?: boolean }) => {
    const i = info();
    if (opts.json) {
      console.log(JSON.stringify(i));
      return;
    }
    console.log(`@quadranet/lib ${i.version}`);
    console.log(`  backend : ${i.backend}`);
    console.log(`  simd    : ${i.simd}${i.simdSupported.length ? ` (supported: ${i.simdSupported.join(', ')})` : ''}`);
    if (i.convSimd !== i.simd) console.log(`  conv    : ${i.convSimd} (the conv kernels are built without SVE)`);
    console.log(`  threads : ${i.threads}`);
    console.log(`  gemm    : ${i.gemm ?? 'none (reference)'}`);
    console.log(`  cuda    : ${i.cuda.available ? 'available' : `unavailable (${i.cuda.reason})`}`);
    if (i.nativeError) console.log(`\n${i.nativeError}`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
