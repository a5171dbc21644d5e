/**
 * The PyTorch peer: Debian's python3-torch run as a subprocess of the bench (bench/python/*.py),
 * fair to it: /usr/bin/python3 (the interpreter Debian's torch is installed for, not one on PATH),
 * glibc's malloc told not to hand fresh buffers back every step (MALLOC_MMAP_THRESHOLD_ 32 MiB,
 * MALLOC_TRIM_THRESHOLD_ 4 GiB), our thread count, and the BLAS behind libblas.so.3 reported: with
 * the reference BLAS instead of OpenBLAS it is no fair peer and the bench says so.
 *
 * Our inputs and weights go to the script as raw float32 files (manifest.json names them), and its
 * outputs come back the same way, so a peer is only timed after its results agree with ours.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FArray, nn } from '@quadranet/core';
import { relErr, toPyTorchStateDict } from '@quadranet/models';

export const TORCH_PYTHON = '/usr/bin/python3';
export const TORCH_ENV = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '4294967296' } as const;
/** A peer's outputs must be within this relative L2 distance of ours before it is timed. */
export const PEER_TOLERANCE = 1e-4;

const SCRIPTS = fileURLToPath(new URL('../python/', import.meta.url));

export interface RawTensor {
  data: Float32Array;
  shape: readonly number[];
}

export interface TorchBlas {
  kind: string;
  libraries: string[];
  fair: boolean;
}

/** What the script printed: timings and the rest (its own fields), or an error. */
export type TorchReport = Record<string, unknown> & { blas?: TorchBlas; torch?: string };

export type TorchOutcome =
  | { status: 'ok'; report: TorchReport; errors: Record<string, number> }
  | { status: 'absent'; message: string }
  | { status: 'failed'; message: string; errors?: Record<string, number> };

export interface TorchCall {
  /** bench/python/<script> */
  script: string;
  args: (string | number)[];
  threads: number;
  /** Written as raw f32 and listed in manifest.json under "tensors". */
  tensors: Record<string, RawTensor>;
  /** A PyTorch state dict (names and layouts as PyTorch's), under "state_dict". */
  stateDict?: Map<string, RawTensor>;
  /** Outputs the script writes (file name → ours): each compared before the timings are trusted. */
  expect: Record<string, Float32Array>;
  timeoutMs?: number;
}

/** Float32 values (a float64 tensor's converted; the peers compute in float32). */
export function f32(a: FArray): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}

/**
 * fn with the module's parameters as a PyTorch state dict (names and layouts as the reference's);
 * the converted copies toPyTorchStateDict makes are freed after.
 */
export function withTorchStateDict<T>(model: nn.Module, fn: (sd: Map<string, RawTensor>) => T): T {
  const dict = toPyTorchStateDict(model);
  const own = new Set<unknown>(model.parameters());
  try {
    return fn(new Map([...dict].map(([name, t]) => [name, { data: f32(t.data()), shape: t.shape }])));
  } finally {
    for (const t of dict.values()) if (!own.has(t)) t.dispose();
  }
}

function writeRaw(dir: string, file: string, t: RawTensor) {
  const d = t.data;
  writeFileSync(join(dir, file), new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  return { file, shape: [...t.shape] };
}

function readRaw(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/**
 * Runs one peer script. 'absent' when /usr/bin/python3 or torch is missing; 'failed' when the script
 * fails or an output differs from ours by more than PEER_TOLERANCE (then its timings are dropped).
 */
export function runTorchPeer(call: TorchCall): TorchOutcome {
  if (!existsSync(TORCH_PYTHON)) return { status: 'absent', message: `${TORCH_PYTHON} not found (apt-get install python3-torch)` };
  const dir = mkdtempSync(join(tmpdir(), 'quadra-torch-peer-'));
  try {
    const tensors = Object.fromEntries(Object.entries(call.tensors).map(([k, t]) => [k, writeRaw(dir, `${k}.in.f32`, t)]));
    const sd: Record<string, { file: string; shape: number[] }> = {};
    let i = 0;
    for (const [k, t] of call.stateDict ?? []) sd[k] = writeRaw(dir, `p${i++}.in.f32`, t);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ tensors, state_dict: sd }));
    const threads = String(call.threads);
    const r = spawnSync(TORCH_PYTHON, [join(SCRIPTS, call.script), '--dir', dir, '--threads', threads, ...call.args.map(String)], {
      encoding: 'utf8',
      // no __pycache__ written into bench/python and bench/gpu
      env: { ...process.env, ...TORCH_ENV, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: call.timeoutMs ?? 600_000,
      maxBuffer: 16 * 2 ** 20,
    });
    const last = r.stdout?.trim().split('\n').pop() ?? '';
    let report: TorchReport | null = null;
    try {
      report = last ? (JSON.parse(last) as TorchReport) : null;
    } catch {
      report = null;
    }
    if (!report) {
      const why = r.error ? r.error.message : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
      return { status: 'failed', message: `${call.script}: ${why}; ${(r.stderr ?? '').trim().split('\n').slice(-1)[0] ?? ''}`.trim() };
    }
    if (report.error === 'absent') return { status: 'absent', message: String(report.message) };
    if (report.error) return { status: 'failed', message: `${call.script}: ${String(report.message)}` };
    const errors: Record<string, number> = {};
    for (const [file, ours] of Object.entries(call.expect)) {
      const path = join(dir, file);
      const theirs = existsSync(path) ? readRaw(path) : new Float32Array(0);
      errors[file.replace(/\.f32$/, '')] = theirs.length === ours.length ? relErr(theirs, ours) : Infinity;
    }
    const bad = Object.entries(errors).filter(([, e]) => !(e <= PEER_TOLERANCE));
    if (bad.length) {
      return {
        status: 'failed', errors,
        message: `FAILED numerics check: ${bad.map(([k, e]) => `${k} relative L2 ${Number.isFinite(e) ? e.toExponential(2) : 'size mismatch'}`).join(', ')} > ${PEER_TOLERANCE}; not timed`,
      };
    }
    return { status: 'ok', report, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A short line on the peer's fairness: torch version, threads, BLAS (and a warning when it is the reference BLAS). */
export function torchFairness(report: TorchReport): string {
  const b = report.blas;
  const blas = !b ? 'BLAS unknown' : b.fair ? `libblas.so.3 = ${b.kind} (${b.libraries.find((l) => l.includes(b.kind)) ?? b.libraries[0] ?? ''})`
    : `NOT A FAIR PEER: libblas.so.3 is the ${b.kind} BLAS (${b.libraries.join(', ') || 'none mapped'}); install libopenblas0-openmp`;
  const isa = report.cpu_capability ? `, ATen ${String(report.cpu_capability)} kernels` : '';
  return `PyTorch ${report.torch ?? '?'} on ${String(report.threads)} threads${isa}, ${blas}`;
}
