"""Joins the figures of bench/gpu/run.sh into one table and one JSON.

  python3 report.py <out-dir>     reads ours-quadconv.json, ours-train.json, torch.json,
                                  conformance.json there; writes figures.json; prints the table
"""
import json
import os
import sys


def load(d, name):
    p = os.path.join(d, name)
    try:
        with open(p) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip().startswith("{")]
        return json.loads(lines[-1]) if lines else None
    except (OSError, ValueError):
        return None


def fmt(v, digits=2, unit=""):
    return "n/a" if v is None else f"{v:.{digits}f}{unit}"


def main(d):
    ours_q, ours_t = load(d, "ours-quadconv.json"), load(d, "ours-train.json")
    torch_all = load(d, "torch.json") or {}
    conf = load(d, "conformance.json")
    card = torch_all.get("card") or {}
    tq, tt = torch_all.get("quadconv"), torch_all.get("train")
    peak = card.get("fp32_peak_tflops")
    frac = lambda tf: None if tf is None or not peak else 100 * tf / peak  # noqa: E731
    g = lambda o, k: None if not o else o.get(k)  # noqa: E731
    rows = [
        ("quadconv fwd ms (64x56x56x128, k7)", g(ours_q, "fwd_ms"), g(tq, "fwd_ms"), 3),
        ("quadconv fwd+bwd ms", None if not ours_q else min(ours_q["fwdbwd_ms"], ours_q["fwdbwd_saved_ms"]), g(tq, "fwdbwd_ms"), 3),
        ("quadconv fwd TFLOP/s", g(ours_q, "fwd_tflops"), g(tq, "fwd_tflops"), 2),
        ("quadconv fwd % of fp32 peak", frac(g(ours_q, "fwd_tflops")), frac(g(tq, "fwd_tflops")), 1),
        ("quadconv fwd+bwd TFLOP/s", g(ours_q, "fwdbwd_tflops"), g(tq, "fwdbwd_tflops"), 2),
        ("QuadraNet-36-T train images/s (b64, 224)", g(ours_t, "images_per_s"), g(tt, "images_per_s"), 1),
    ]
    print(f"card: {card.get('name', '?')} (cc {card.get('cc', '?')}, {card.get('sms', '?')} SMs at {card.get('sm_clock_mhz', '?')} MHz); "
          f"fp32 FMA peak {fmt(peak)} TFLOP/s; torch {card.get('torch', '?')}, CUDA {card.get('cuda', '?')}")
    if conf:
        print(f"cuda conformance: {conf.get('passed')} passed, {conf.get('failed')} failed, {conf.get('skipped')} skipped; "
              f"optimizers {'ok' if conf.get('optimizer', {}).get('pass') else 'FAIL'}, training step {'ok' if conf.get('trainStep', {}).get('pass') else 'FAIL'}")
    else:
        print("cuda conformance: no result (see conformance.log)")
    print(f"\n{'figure':44} {'QuadraNet.ts':>14} {'PyTorch eager':>14} {'ours/torch':>11}")
    for name, a, b, digits in rows:
        speed = None
        if a and b:
            speed = b / a if " ms" in name else a / b  # times: lower is better; rates: higher
        print(f"{name:44} {fmt(a, digits):>14} {fmt(b, digits):>14} {fmt(speed, 2, 'x'):>11}")
    print("\n(ours/torch > 1 means QuadraNet.ts is faster; targets: quadconv fwd >= 70 % of peak, training >= 1.3x)")
    figures = {"card": card, "conformance": conf, "ours": {"quadconv": ours_q, "train": ours_t}, "torch": {"quadconv": tq, "train": tt}}
    with open(os.path.join(d, "figures.json"), "w") as f:
        json.dump(figures, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OUT", "gpu-out")))
