/**
 * Loading quadra_collectives.node (native/collectives: a Gloo process group), explicitly and only when a process
 * group is created, never at import of @quadranet/lib: from build/Release/collectives/ (a source build)
 * or prebuilds/<platform>-<arch>/collectives/. It links Debian's libgloo.so.0, so a machine without
 * libgloo0 still loads quadra.node and gets DistUnavailableError, saying what to install, here.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

import { DistUnavailableError } from '../errors.js';
import { optionalModulePaths, packageRoot } from '../native.js';

/** Where a process group's ranks meet and how long every wait may last. */
export interface DistConnectOptions {
  rank: number;
  size: number;
  masterAddr: string;
  masterPort: number;
  timeoutMs: number;
  /** This rank's address for the mesh (default: 127.0.0.1 when masterAddr is loopback, else the host name). */
  hostname?: string;
  /** Or the network interface to use (PyTorch's GLOO_SOCKET_IFNAME). */
  iface?: string;
  /** Prefixes every rendezvous key, so a store of another run on the same port is never read as this one's. */
  runId?: string;
}

/**
 * A connected group (native/collectives/binding.cc). Collectives work in place on the buffer; the
 * promise forms run on the group's worker thread in submission order, the *Sync forms block.
 * Failures carry code 'QUADRA_DIST' and name the rank and the cause.
 */
export interface NativeGroup {
  readonly rank: number;
  readonly size: number;
  allreduce(buf: Float32Array | Float64Array): Promise<void>;
  broadcast(buf: Float32Array | Float64Array, root: number): Promise<void>;
  barrier(): Promise<void>;
  allreduceSync(buf: Float32Array | Float64Array): void;
  broadcastSync(buf: Float32Array | Float64Array, root: number): void;
  barrierSync(): void;
  /** Starts an op and returns its id at once; wait(id) blocks until it is done (each id once). */
  allreduceStart(buf: Float32Array | Float64Array): number;
  broadcastStart(buf: Float32Array | Float64Array, root: number): number;
  wait(id: number): void;
  close(): void;
}

export interface DistNativeModule {
  connect(options: DistConnectOptions): Promise<NativeGroup>;
  readonly backend: 'gloo';
  readonly version: string;
}

const require = createRequire(import.meta.url);

/** Where quadra_collectives.node may be, in the order tried. */
export function distModulePaths(root: string = packageRoot): string[] {
  return optionalModulePaths('collectives', 'quadra_collectives.node', root);
}

let loaded: DistNativeModule | undefined;

/** The collectives module; throws DistUnavailableError saying where it looked and what to do. */
export function loadDist(): DistNativeModule {
  if (loaded) return loaded;
  const paths = distModulePaths();
  const file = paths.find((p) => existsSync(p));
  if (!file) {
    const reason = 'no collectives module: quadra_collectives.node was not built or shipped for this platform';
    throw new DistUnavailableError(reason, [
      `@quadranet/lib: ${reason} (${process.platform}-${process.arch}).`,
      `  looked in: ${paths.join(', ')}`,
      '  it is built where Gloo is installed (Debian: apt-get install libgloo-dev), then: pnpm --filter @quadranet/lib build:native',
    ].join('\n'));
  }
  try {
    loaded = require(file) as DistNativeModule;
    return loaded;
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const reason = `loading ${file} failed: ${detail}`;
    const hint = /libgloo/.test(detail)
      ? '  Gloo is missing: apt-get install libgloo0 (Debian 12), or libgloo-dev to build from source'
      : '  rebuild it: pnpm --filter @quadranet/lib build:native';
    throw new DistUnavailableError(reason, `@quadranet/lib: the collectives module did not load: ${reason}\n${hint}`, { cause: err });
  }
}
