"""Shared by the CPU PyTorch peers of `node bench/dist/main.js quadconv|quadrablock|train-speed`.

The bench (bench/src/torch-peer.ts) runs each peer with Debian's /usr/bin/python3, glibc's malloc
tuned (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_) and a folder holding manifest.json and raw
little-endian float32 files: the inputs and weights our side used, so both compute the same thing.
A peer writes its outputs for the numerics check into that folder and prints one JSON object on
stdout: its timings, the BLAS that libblas.so.3 resolved to, peak RSS, or {"error": ...}.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The PyTorch QuadraNet the GPU bench uses: one definition of the model for every peer.
sys.path.insert(0, os.path.join(HERE, "..", "gpu"))


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--dir", required=True, help="folder with manifest.json and the .f32 files; outputs go there too")
    p.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (the same as ours)")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    return p


def emit(obj):
    print(json.dumps(obj))
    sys.stdout.flush()


def import_torch(threads):
    """torch, its thread count set; None (after printing {"error": "absent"}) when it does not import."""
    try:
        import torch  # noqa: PLC0415 - the absence of torch is a result, not a crash
    except Exception as err:  # noqa: BLE001
        emit({"error": "absent", "message": f"import torch failed: {err}"})
        return None
    torch.set_num_threads(threads)
    return torch


def blas():
    """Which libraries this process mapped for BLAS, and whether libblas.so.3 is an optimised one.

    Debian's torch links libblas.so.3, which the alternatives system points at OpenBLAS when
    libopenblas0-* is installed and at the reference (netlib) BLAS otherwise.
    """
    with open("/proc/self/maps", encoding="utf-8") as f:
        return classify_blas(line.split()[5] for line in f if len(line.split()) >= 6)


def classify_blas(paths):
    """{"kind": openblas | mkl | reference | none-mapped, "libraries", "fair"} for the mapped file paths."""
    libs = sorted({os.path.realpath(p) for p in paths if "blas" in p or "mkl" in p})
    if any("openblas" in p for p in libs):
        kind = "openblas"
    elif any("mkl" in p for p in libs):
        kind = "mkl"
    elif any(os.path.basename(p).startswith("libblas") for p in libs):
        kind = "reference"
    else:
        kind = "none-mapped"
    return {"kind": kind, "libraries": libs, "fair": kind in ("openblas", "mkl")}


def manifest(directory):
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def load(torch, directory, entry):
    """One tensor from a raw float32 file: entry = {"file": ..., "shape": [...]}."""
    import numpy as np  # noqa: PLC0415

    a = np.fromfile(os.path.join(directory, entry["file"]), dtype="<f4").reshape(entry["shape"])
    return torch.from_numpy(a.copy())


def save(directory, name, t):
    t.detach().contiguous().numpy().astype("<f4").tofile(os.path.join(directory, name))


def median_ms(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs}


def reset_peak_rss():
    """Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def rss_bytes(field="VmHWM"):
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return None


def peak_rss_of(fn):
    """Peak RSS while fn runs (VmHWM after a reset), or the process's lifetime peak when no reset."""
    reset = reset_peak_rss()
    fn()
    return {"peak_rss_bytes": rss_bytes("VmHWM"), "peak_rss_scope": "step" if reset else "process"}


def cpu_capability(torch):
    """ATen's kernel dispatch level (torch 1.13 picks AVX2 on AVX-512 machines unless ATEN_CPU_CAPABILITY says avx512)."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return None


def describe(torch):
    return {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas(), "cpu_capability": cpu_capability(torch),
            "malloc": {k: os.environ.get(k) for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")}}


def run_main(main):
    """Runs main(); an exception is one JSON error line (exit 0: the bench reports it)."""
    try:
        main()
    except Exception as err:  # noqa: BLE001
        emit({"error": "failed", "message": f"{type(err).__name__}: {err}"})
