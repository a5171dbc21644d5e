/**
 * A process group: the ranks of a data-parallel run and the collectives between them (allReduce,
 * broadcast, barrier) on cpu tensors, over Gloo (PyTorch's CPU collective library, Debian's
 * libgloo) through @quadranet/lib's quadra_collectives.node. A world of one needs no module: every
 * collective is then the identity, so code written for N ranks runs unchanged in one process.
 * With backend 'nccl' the group also holds an NCCL communicator (libnccl.so.2, loaded at run time
 * by the CUDA module), made from an id rank 0 broadcasts over Gloo, and cuda tensors go through it;
 * it has not run on a GPU yet (no multi-GPU machine has been available to the project).
 *
 * @example
 * const pg = await initProcessGroup();            // RANK, WORLD_SIZE, MASTER_ADDR, ... from the launcher
 * pg.allReduce(t, 'mean');                         // every rank now holds the mean of the ranks' t
 * pg.destroy();
 */
import { DistUnavailableError, loadDist, type CudaNccl, type NativeGroup } from '@quadranet/lib';
import { cudaRuntime } from '../backends/cuda/runtime.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError, DeviceError, DistError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { launchEnv, type LaunchEnv, type Launcher } from './launch-env.js';

export type ReduceOp = 'sum' | 'mean';

export interface InitOptions {
  /** Overrides of the launcher's environment (see launchEnv). */
  rank?: number;
  worldSize?: number;
  localRank?: number;
  masterAddr?: string;
  masterPort?: number;
  /** How long meeting the other ranks and each collective may wait, in ms (default 120 000). */
  timeoutMs?: number;
  /** 'gloo' (cpu tensors; the default), or 'nccl' (cuda tensors over NCCL, cpu tensors over Gloo). */
  backend?: 'gloo' | 'nccl';
  /** This rank's address for the mesh, or its interface (default: GLOO_SOCKET_IFNAME, else chosen from MASTER_ADDR). */
  hostname?: string;
  iface?: string;
  /** The environment read instead of process.env. */
  env?: Record<string, string | undefined>;
}

function wrap(err: unknown): never {
  if (err instanceof Error && (err as { code?: string }).code === 'QUADRA_DIST') throw new DistError(err.message, { cause: err });
  throw err;
}

/** Runs a native collective call; its failures become DistError. */
function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    return wrap(err);
  }
}

function hostBuf(t: Tensor, what: string): Float32Array | Float64Array {
  if (t.device !== 'cpu') throw new DeviceError(`${what}: the gloo process group reduces cpu tensors; this tensor is on ${t.device} (use backend 'nccl')`);
  return t.buf() as Float32Array | Float64Array;
}

/** An NCCL communicator and the functions that use it. */
interface NcclComm {
  nccl: CudaNccl;
  comm: object;
}

export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly localRank: number;
  readonly launcher: Launcher;
  readonly backend: 'gloo' | 'nccl' | 'local';
  private native: NativeGroup | null;
  private nccl: NcclComm | null;
  private destroyed = false;

  /** @internal Use initProcessGroup. */
  constructor(env: LaunchEnv, native: NativeGroup | null, nccl: NcclComm | null = null) {
    this.rank = env.rank;
    this.worldSize = env.worldSize;
    this.localRank = env.localRank;
    this.launcher = env.launcher;
    this.native = native;
    this.nccl = nccl;
    this.backend = nccl ? 'nccl' : native ? 'gloo' : 'local';
  }

  /** A cuda tensor's collective over NCCL (queued on the device stream); false for a cpu tensor. */
  private onDevice(t: Tensor, what: string, run: (n: NcclComm) => void): boolean {
    if (t.device === 'cpu') return false;
    if (this.worldSize === 1) return true;
    if (!this.nccl) throw new DeviceError(`${what}: this tensor is on ${t.device}; cuda tensors need a process group made with backend 'nccl'`);
    const n = this.nccl;
    call(() => run(n));
    return true;
  }

  private live(what: string): NativeGroup | null {
    if (this.destroyed) throw new DistError(`${what}: the process group was destroyed`);
    return this.native;
  }

  /** In place: every rank's `t` becomes the sum (or mean) of all ranks' `t`. Blocks until done. */
  allReduce(t: Tensor, op: ReduceOp = 'sum'): void {
    const g = this.live('allReduce');
    if (op !== 'sum' && op !== 'mean') throw new ArgumentError(`allReduce: op must be 'sum' or 'mean', got ${JSON.stringify(op)}`);
    if (!this.onDevice(t, 'allReduce', (n) => n.nccl.allReduce(n.comm, t.deviceData()))) {
      const buf = hostBuf(t, 'allReduce');
      if (g) call(() => g.allreduceSync(buf));
    }
    // the mean by the tensor's own Scale kernel, on whichever device it lives
    if (op === 'mean' && this.worldSize > 1) kernels(t).Scale(t.buf(), 1 / this.worldSize, t.buf());
    t.markWritten();
  }

  /** In place: every rank's `t` becomes rank `root`'s. Blocks until done. */
  broadcast(t: Tensor, root = 0): void {
    const g = this.live('broadcast');
    if (!Number.isInteger(root) || root < 0 || root >= this.worldSize) {
      throw new ArgumentError(`broadcast: root must be a rank in [0, ${this.worldSize}), got ${root}`);
    }
    if (!this.onDevice(t, 'broadcast', (n) => n.nccl.broadcast(n.comm, t.deviceData(), root))) {
      const buf = hostBuf(t, 'broadcast');
      if (g) call(() => g.broadcastSync(buf, root));
    }
    t.markWritten();
  }

  /** Returns when every rank has called barrier(). */
  barrier(): void {
    const g = this.live('barrier');
    if (g) call(() => g.barrierSync());
  }

  /**
   * @internal Starts summing a host buffer across the ranks in place and returns at once; wait(id)
   * blocks for it. Ops run in the order started (the same on every rank).
   */
  allReduceStart(buf: Float32Array | Float64Array): number {
    const g = this.live('allReduceStart');
    return g ? call(() => g.allreduceStart(buf)) : 0;
  }

  /** @internal Blocks until the op allReduceStart returned `id` for is done; throws DistError if it failed. */
  wait(id: number): void {
    const g = this.live('wait');
    if (g && id !== 0) call(() => g.wait(id));
  }

  /** Closes the connections (after the ops already started); idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.nccl) this.nccl.nccl.destroy(this.nccl.comm);
    this.nccl = null;
    this.native?.close();
    this.native = null;
  }
}

/**
 * Joins the process group this process was launched into (a world of one without a launcher).
 * Resolves when every rank has joined; rejects with DistError after `timeoutMs` otherwise, and
 * with DistUnavailableError when the collectives module is missing.
 */
export async function initProcessGroup(opts: InitOptions = {}): Promise<ProcessGroup> {
  const base = launchEnv(opts.env ?? process.env);
  const env: LaunchEnv = {
    rank: opts.rank ?? base.rank,
    worldSize: opts.worldSize ?? base.worldSize,
    localRank: opts.localRank ?? base.localRank,
    masterAddr: opts.masterAddr ?? base.masterAddr,
    masterPort: opts.masterPort ?? base.masterPort,
    storePort: opts.masterPort ?? base.storePort,
    runId: base.runId,
    launcher: base.launcher,
  };
  if (!Number.isInteger(env.worldSize) || env.worldSize < 1) throw new ArgumentError(`worldSize must be a positive integer, got ${env.worldSize}`);
  if (!Number.isInteger(env.rank) || env.rank < 0 || env.rank >= env.worldSize) {
    throw new ArgumentError(`rank must be an integer in [0, ${env.worldSize}), got ${env.rank}`);
  }
  const timeoutMs = opts.timeoutMs ?? 120_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ArgumentError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  if (opts.backend !== undefined && opts.backend !== 'gloo' && opts.backend !== 'nccl') {
    throw new ArgumentError(`backend must be 'gloo' or 'nccl', got ${JSON.stringify(opts.backend)}`);
  }
  if (env.worldSize === 1) return new ProcessGroup(env, null);
  // NCCL first: a missing library fails here, before any rank waits for the others
  const nccl = opts.backend === 'nccl' ? cudaRuntime().nccl : null;
  if (nccl) {
    const st = nccl.status();
    if (!st.available) throw new DistUnavailableError(st.reason, `backend 'nccl': ${st.reason}`);
  }
  const mod = loadDist();
  const iface = opts.iface ?? (opts.env ?? process.env).GLOO_SOCKET_IFNAME;
  try {
    const native = await mod.connect({
      rank: env.rank, size: env.worldSize, masterAddr: env.masterAddr, masterPort: env.storePort, timeoutMs, runId: env.runId,
      ...(opts.hostname ? { hostname: opts.hostname } : {}), ...(iface ? { iface } : {}),
    });
    if (!nccl) return new ProcessGroup(env, native);
    // rank 0's NCCL id reaches the others over Gloo (128 bytes as 16 float64s, copied bit for bit)
    const id = env.rank === 0 ? nccl.uniqueId() : new Uint8Array(128);
    native.broadcastSync(new Float64Array(id.buffer, id.byteOffset, 16), 0);
    return new ProcessGroup(env, native, { nccl, comm: nccl.init(id, env.rank, env.worldSize) });
  } catch (err) {
    return wrap(err);
  }
}
