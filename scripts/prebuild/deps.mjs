// The dependency rule of a prebuild: system C/C++ runtime and libgomp, or files beside the module.
import { join } from 'node:path';

import { checkFolder } from './elf.mjs';

export function checkDeps(root, arches) {
  const problems = [];
  for (const arch of arches) {
    const dir = join(root, 'packages', 'quadra-lib', 'prebuilds', `linux-${arch}`);
    const { rows, problems: p } = checkFolder(dir);
    problems.push(...p);
    console.log(`\nprebuilds/linux-${arch}`);
    console.log('| file | size | machine | needs | runpath |\n|---|---:|---|---|---|');
    for (const r of rows) {
      console.log(`| ${r.file} | ${(r.bytes / 1048576).toFixed(2)} MiB | ${r.machine} | ${r.needs.join(', ')} | ${r.runpath || '—'} |`);
    }
    const want = arch === 'x64' ? /X86-64/ : /AArch64/;
    for (const r of rows) if (!want.test(r.machine)) problems.push(`${r.file}: machine is ${r.machine}, expected ${arch}`);
    if (!rows.some((r) => r.file === 'quadra.node')) problems.push(`prebuilds/linux-${arch}/quadra.node is missing`);
  }
  if (problems.length) throw new Error(`prebuild dependency check:\n  ${problems.join('\n  ')}`);
  console.error('[prebuild] deps: every module needs only the C/C++ runtime, libgomp and files beside it');
}
