/**
 * Process peak RSS the same way for us and for the PyTorch peer (bench/python/peer_common.py):
 * VmHWM from /proc/self/status after resetting it to the current RSS (writing 5 to
 * /proc/self/clear_refs, Linux ≥ 4.0). Where the reset is refused the peak is the process's lifetime one.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type RssScope = 'step' | 'steps' | 'process';

export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** VmHWM in bytes, or null off Linux. */
export function peakRssBytes(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The peak RSS while fn runs. */
export function peakRssOf(fn: () => void, scope: RssScope = 'step'): { peak_rss_bytes: number | null; peak_rss_scope: RssScope } {
  const reset = resetPeakRss();
  fn();
  return { peak_rss_bytes: peakRssBytes(), peak_rss_scope: reset ? scope : 'process' };
}
