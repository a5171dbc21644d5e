/** `quadra info`: the native module's status (as `quadra-lib info` prints it); --ops: which backend runs each kernel. */
import { deviceAvailability, getBackend, supportMatrix, type KernelSupport } from '@quadranet/core';
import { formatInfo, info } from '@quadranet/lib';
import type { Command } from 'commander';

function formatSupportMatrix(ops: KernelSupport[]): string {
  const lines = [`  ${'kernel'.padEnd(18)} ${'ref'.padEnd(5)} ${'cpu'.padEnd(10)} cuda`];
  for (const o of ops) lines.push(`  ${o.kernel.padEnd(18)} ${(o.ref ? 'yes' : '-').padEnd(5)} ${o.cpu.padEnd(10)} ${o.cuda ? 'yes' : '-'}`);
  const cuda = deviceAvailability('cuda');
  if (!cuda.available) lines.push(`  (cuda column empty: ${cuda.reason})`);
  return lines.join('\n');
}

export function addInfoCommand(program: Command): void {
  program
    .command('info')
    .description('native module, SIMD target, threads, GEMM provider, CUDA status; --ops: which backend runs each kernel')
    .option('--json', 'print one JSON object')
    .option('--ops', 'the kernel support matrix, generated from the kernel registry')
    .action((opts: { json?: boolean; ops?: boolean }) => {
      const i = info();
      const ops = opts.ops ? supportMatrix() : undefined;
      if (opts.json) {
        // `backend` is the core's dispatch backend (cpu | ref) here, not the module's (native | reference).
        console.log(JSON.stringify({ ...i, backend: getBackend(), ...(ops ? { ops } : {}) }));
        return;
      }
      console.log(formatInfo(i));
      if (ops) console.log(`\n${formatSupportMatrix(ops)}`);
    });
}
