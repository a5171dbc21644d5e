/** One peer's row in the quadconv and block benches (and their --json lines). */
import { runTorchPeer, torchFairness, type TorchCall } from './torch-peer.js';

/** What every peer row says about the peer itself. */
export interface PeerResultBase {
  /** 'absent' (not installed), 'failed' (it crashed, or its outputs differ from ours: not timed), 'ok'. */
  status?: 'ok' | 'absent' | 'failed';
  /** Relative L2 distance of the peer's outputs from ours, per output checked. */
  rel_err?: Record<string, number>;
  /** PyTorch: false when libblas.so.3 is not an optimised BLAS (then it is no fair peer). */
  fair?: boolean;
  /** PyTorch: the BLAS kind and the libraries its process mapped. */
  blas?: string;
  version?: string;
  threads?: number;
  note?: string;
}

export interface PeerResult extends PeerResultBase {
  fwd_ms: number | null;
  fwdbwd_ms: number | null;
  runs: number;
  fwdbwd_runs?: number;
  /** The peer's time over ours: how many times faster ours is. */
  fwd_vs_ours?: number;
  fwdbwd_vs_ours?: number;
  /** The peer's process peak RSS over one training step (PyTorch). */
  peak_rss_bytes?: number;
}

/** Runs the PyTorch peer script and turns what it reports into a peer row. */
export function torchPeer(call: TorchCall): PeerResult {
  const r = runTorchPeer(call);
  if (r.status === 'absent') return { fwd_ms: null, fwdbwd_ms: null, runs: 0, status: 'absent', note: `PyTorch absent: ${r.message}` };
  if (r.status === 'failed') return { fwd_ms: null, fwdbwd_ms: null, runs: 0, status: 'failed', rel_err: r.errors, note: r.message };
  const p = r.report;
  return {
    fwd_ms: p.fwd_ms as number, fwdbwd_ms: p.fwdbwd_ms as number, runs: p.runs as number, status: 'ok', rel_err: r.errors,
    peak_rss_bytes: p.peak_rss_bytes as number, fair: p.blas?.fair ?? false, blas: p.blas ? `${p.blas.kind}: ${p.blas.libraries.join(', ')}` : undefined,
    version: p.torch, threads: p.threads as number, note: torchFairness(p),
  };
}
