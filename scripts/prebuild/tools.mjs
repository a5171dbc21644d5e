// Debian packages the prebuild and its checks need (installed when root, else the exact command).
import { spawnSync } from 'node:child_process';

const NEEDS = {
  all: [['patchelf', 'patchelf'], ['readelf', 'binutils'], ['qemu-x86_64', 'qemu-user']],
  arm64: [['aarch64-linux-gnu-g++', 'g++-aarch64-linux-gnu'], ['qemu-aarch64', 'qemu-user']],
};

export function ensurePrebuildTools(arches) {
  const want = [...NEEDS.all, ...(arches.includes('arm64') ? NEEDS.arm64 : [])];
  const missing = [...new Set(want.filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0).map(([, pkg]) => pkg))];
  if (!missing.length) return;
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages: ${missing.join(', ')}. Run as root: ${cmd}`);
  console.error(`[prebuild] installing ${missing.join(' ')}`);
  const r = spawnSync('sh', ['-c', cmd], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
}
