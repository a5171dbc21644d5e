#!/usr/bin/env node
/** `quadra-lib` command line: `quadra-lib info [--json]` (the full `quadra` CLI is @quadranet/cli). */
import { Command } from 'commander';

import { formatInfo, info } from './info.js';

const program = new Command('quadra-lib').description('QuadraLib native module status');

program
  .command('info')
  .description('version, SIMD target, threads and CUDA status of the native module')
  .option('--json', 'print one JSON object')
  .action((opts: { json?: boolean }) => {
    const i = info();
    console.log(opts.json ? JSON.stringify(i) : formatInfo(i));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
