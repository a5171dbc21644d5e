"""PyTorch side of bench/gpu: the card's fp32 FMA peak, quadconv as three depthwise convs + mul +
add (channels_last), and QuadraNet training images/s in eager mode, timed with CUDA events after a
warm-up. Prints one JSON object. TF32 is off so both sides compute in full fp32.

  python3 torch_bench.py [--dry-run] [--quick] [--out file.json]
"""
import argparse
import json
import subprocess
import sys
import time

# fp32 lanes (FMA per clock) per SM by compute capability major.minor
FP32_LANES = {(7, 0): 64, (7, 5): 64, (8, 0): 64, (8, 6): 128, (8, 7): 128, (8, 9): 128, (9, 0): 128, (10, 0): 128, (12, 0): 128}


def max_sm_clock_mhz():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=clocks.max.sm", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=20).stdout.strip().splitlines()
        return float(out[0])
    except Exception:  # noqa: BLE001 - nvidia-smi missing or odd output: fall back to torch
        return None


def card(torch):
    p = torch.cuda.get_device_properties(0)
    mhz = max_sm_clock_mhz()
    source = "nvidia-smi clocks.max.sm"
    if mhz is None:
        mhz = getattr(p, "clock_rate", 0) / 1000 or None
        source = "torch clock_rate"
    lanes = FP32_LANES.get((p.major, p.minor), 128)
    peak = 2 * lanes * p.multi_processor_count * mhz * 1e6 / 1e12 if mhz else None
    return {"name": p.name, "cc": f"{p.major}.{p.minor}", "sms": p.multi_processor_count, "sm_clock_mhz": mhz,
            "clock_source": source, "fp32_lanes_per_sm": lanes, "fp32_peak_tflops": peak,
            "memory_gb": p.total_memory / 2**30, "torch": torch.__version__, "cuda": torch.version.cuda}


def time_events(torch, fn, warmup, runs):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(runs):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / runs


def bench_quadconv(torch, n, h, w, c, k, warmup, runs):
    from torch_quadranet import QuadraConv
    dev = "cuda"
    m = QuadraConv(c, k).to(dev).to(memory_format=torch.channels_last)
    x = torch.randn(n, c, h, w, device=dev).to(memory_format=torch.channels_last)
    gy = torch.randn_like(x)
    with torch.no_grad():
        fwd = time_events(torch, lambda: m(x), warmup, runs)
    xg = x.clone().requires_grad_(True)

    def step():
        y = m(xg)
        y.backward(gy)
    fwdbwd = time_events(torch, step, warmup, runs)
    elems = n * h * w * c
    flops_fwd = elems * (6 * k * k + 2)
    flops_fb = flops_fwd + elems * (12 * k * k + 2)
    return {"n": n, "h": h, "w": w, "c": c, "k": k, "runs": runs, "fwd_ms": fwd, "fwdbwd_ms": fwdbwd,
            "fwd_tflops": flops_fwd / fwd / 1e9, "fwdbwd_tflops": flops_fb / fwdbwd / 1e9}


def bench_train(torch, name, batch, size, warmup, steps, budget_s):
    from torch_quadranet import quadranet
    dev = "cuda"
    model = quadranet(name).to(dev).to(memory_format=torch.channels_last).train()
    opt = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=0.05)
    x = torch.randn(batch, 3, size, size, device=dev).to(memory_format=torch.channels_last)
    labels = torch.tensor([(i * 37) % 1000 for i in range(batch)], device=dev)

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return loss.item()
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    done, last = 0, float("nan")
    while done < steps and (done == 0 or time.perf_counter() - t0 < budget_s):
        last = step()
        done += 1
    torch.cuda.synchronize()
    ms = (time.perf_counter() - t0) * 1000 / done
    params = sum(p.numel() for p in model.parameters())
    return {"model": name, "batch": batch, "size": size, "params": params, "steps": done, "step_ms": ms,
            "images_per_s": 1000 * batch / ms, "final_loss": last, "mode": "eager fp32, channels_last, TF32 off"}


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true", help="check arguments, import nothing heavy")
    ap.add_argument("--quick", action="store_true", help="fewer runs (smoke test)")
    ap.add_argument("--what", default="card,quadconv,train", help="comma list of card, quadconv, train")
    ap.add_argument("--model", default="quadranet36_t")
    ap.add_argument("--budget-s", type=float, default=60.0)
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    what = set(a.what.split(","))
    if not what <= {"card", "quadconv", "train"}:
        ap.error(f"--what: unknown parts {sorted(what - {'card', 'quadconv', 'train'})}")
    if a.dry_run:
        print(json.dumps({"dryRun": True, "what": sorted(what), "model": a.model}))
        return 0
    import torch
    if not torch.cuda.is_available():
        print("torch: cuda is not available", file=sys.stderr)
        return 2
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    runs = 5 if a.quick else 30
    out = {}
    if "card" in what:
        out["card"] = card(torch)
    if "quadconv" in what:
        out["quadconv"] = bench_quadconv(torch, 64, 56, 56, 128, 7, 3 if a.quick else 10, runs)
    if "train" in what:
        out["train"] = bench_train(torch, a.model, 64, 224, 1 if a.quick else 3, 3 if a.quick else 10, a.budget_s)
    text = json.dumps(out)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
