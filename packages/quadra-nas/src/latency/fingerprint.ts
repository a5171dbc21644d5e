/**
 * The device fingerprint a latency table is measured on: CPU model, SIMD target, threads, GEMM
 * provider, CUDA device, library version. A table read on another fingerprint still loads, with a
 * warning naming what differs (its numbers may not hold here).
 */
import { cpus, platform, arch } from 'node:os';
import { cudaStatus, info } from '@quadranet/lib';
import type { Device } from '@quadranet/core';

export interface Fingerprint {
  device: Device;
  cpuModel: string;
  cpuCount: number;
  platform: string;
  arch: string;
  simd: string;
  threads: number;
  /** The GEMM provider, and ', split per thread' when Sgemm splits products itself (lib's setGemmSplit). */
  gemm: string;
  /** The CUDA device name and compute capability (null for cpu tables). */
  cudaDevice: string | null;
  /** @quadranet/lib's version. */
  libraryVersion: string;
}

/** The fingerprint of this process for tables measured on `device`. */
export function currentFingerprint(device: Device): Fingerprint {
  const i = info();
  const c = cpus();
  let cudaDevice: string | null = null;
  if (device === 'cuda') {
    const d = cudaStatus().device;
    cudaDevice = d ? `${d.name} (sm ${d.computeCapability})` : 'unknown';
  }
  return {
    device, cpuModel: c[0]?.model.trim() ?? 'unknown', cpuCount: c.length, platform: platform(), arch: arch(),
    simd: i.simd, threads: i.threads, gemm: `${i.gemm}${i.gemmSplit ? ', split per thread' : ''}`, cudaDevice, libraryVersion: i.version,
  };
}

/** The fields of `a` and `b` that differ, as 'field: a vs b'. */
export function fingerprintDifferences(a: Fingerprint, b: Fingerprint): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a) as (keyof Fingerprint)[]) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
  }
  return out;
}
