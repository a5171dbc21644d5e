#!/usr/bin/env bash
# QuadraNet.ts on a GPU test machine (x86-64, H100/H200, CUDA 13 driver, nvcc 13.0, CMake, PyTorch
# in python3; no Node.js, no network). Unpacks the node binary and the compiled JS from
# .gpu-bundle/ (made by scripts/prepare-gpu-bundle.mjs), builds the CUDA module with nvcc, runs the
# cuda conformance suite, then benchmarks quadconv and QuadraNet-36-T training against PyTorch and
# prints one table. Finishes within 8 minutes (each step has a timeout, all share one deadline).
#
#   bench/gpu/run.sh [OUT_DIR] [--dry-run]     OUT_DIR defaults to $OUT, then ./gpu-out
#
# --dry-run: unpack and check everything that needs no GPU (node starts, the driver parses its
# arguments, the Python scripts compile); no build, no device.
set -uo pipefail

DRY=0
ARGS=()
for a in "$@"; do
  if [[ "$a" == "--dry-run" ]]; then DRY=1; else ARGS+=("$a"); fi
done
OUT_DIR="${ARGS[0]:-${OUT:-./gpu-out}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUNDLE="$ROOT/.gpu-bundle"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
LOG="$OUT_DIR/run.log"
: > "$LOG"
START=$(date +%s)
DEADLINE=$((START + ${QUADRA_GPU_BUDGET_S:-470}))
STATUS=0

say() { echo "[$(($(date +%s) - START))s] $*" | tee -a "$LOG"; }
left() { echo $((DEADLINE - $(date +%s))); }
# step NAME LIMIT_S LOGFILE CMD...: runs CMD under min(LIMIT_S, time left), logs to OUT_DIR/LOGFILE
step() {
  local name="$1" limit="$2" logf="$3"; shift 3
  local rem; rem=$(left)
  if (( rem < 5 )); then say "SKIP $name: out of time"; STATUS=1; return 1; fi
  (( limit > rem )) && limit=$rem
  say "$name (limit ${limit}s)"
  timeout --kill-after=5 "$limit" "$@" > "$OUT_DIR/$logf" 2>&1
  local rc=$?
  if (( rc == 0 )); then say "  ok"; else say "  FAILED rc=$rc (see $logf)"; tail -n 15 "$OUT_DIR/$logf" | sed 's/^/    /' | tee -a "$LOG"; STATUS=1; fi
  return $rc
}

[[ -f "$BUNDLE/node.xz" && -f "$BUNDLE/app.tar.xz" ]] || { say "no bundle at $BUNDLE: run 'node scripts/prepare-gpu-bundle.mjs' on the development machine first"; exit 2; }
STAGE="${QUADRA_GPU_STAGE:-$(mktemp -d "${TMPDIR:-/tmp}/quadra-gpu.XXXXXX")}"
mkdir -p "$STAGE/bin"
say "unpacking into $STAGE"
xz -dc -T0 "$BUNDLE/node.xz" > "$STAGE/bin/node" && chmod +x "$STAGE/bin/node" || { say "unpacking node failed"; exit 2; }
tar -C "$STAGE" -xJf "$BUNDLE/app.tar.xz" || { say "unpacking app.tar.xz failed"; exit 2; }
NODE="$STAGE/bin/node"
DRIVER="$STAGE/bench/dist/gpu/main.js"
say "node $("$NODE" --version); $(cat "$BUNDLE/MANIFEST.txt" | tail -n 1)"
# Without the prebuilt CPU module in the bundle, the cpu-side work (model initialisation, the cpu half
# of the training-step check) must be told to use the reference kernels: a missing quadra.node is an
# error otherwise. cuda tensors never use them.
if [[ ! -f "$STAGE/packages/quadra-lib/prebuilds/linux-x64/quadra.node" ]]; then
  export QUADRA_BACKEND=reference
  say "no CPU prebuild in the bundle: cpu-side kernels on the reference (QUADRA_BACKEND=reference)"
fi

if (( DRY )); then
  step "driver dry runs" 30 dry-run.log bash -c "set -e; for c in info conformance quadconv train; do '$NODE' '$DRIVER' \$c --dry-run --json; done"
  step "python scripts compile" 30 py-compile.log bash -c "cd '$HERE' && python3 -m py_compile torch_quadranet.py torch_bench.py report.py && python3 torch_bench.py --dry-run"
  rm -rf "$HERE/__pycache__"
  [[ -n "${QUADRA_GPU_STAGE:-}" ]] || rm -rf "$STAGE"
  say "dry run done (status $STATUS); logs in $OUT_DIR"
  exit $STATUS
fi

# cuBLAS: @quadranet/lib looks in the Python environment's nvidia packages itself; also put them on
# LD_LIBRARY_PATH so every search order finds the same copy PyTorch uses.
NV_LIBS="$(python3 - <<'PY' 2>/dev/null
import glob, os, site
dirs = []
for sp in site.getsitepackages() + [site.getusersitepackages()]:
    dirs += sorted(glob.glob(os.path.join(sp, "nvidia", "*", "lib")))
print(":".join(dirs))
PY
)"
export LD_LIBRARY_PATH="${NV_LIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
{ nvidia-smi || true; nvcc --version || true; cmake --version | head -n 1 || true; } > "$OUT_DIR/machine.log" 2>&1
say "$(nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader 2>/dev/null | head -n 1)"

# 1. the CUDA module, with plain cmake (no cmake-js, no CPU-module dependencies)
BUILD="$STAGE/cuda-build"
step "configure the CUDA module" 60 cmake-configure.log cmake -S "$HERE/cuda-only" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DQUADRA_NAPI_INC="$STAGE/node_modules/node-api-headers/include;$STAGE/node_modules/node-addon-api" \
  -DQUADRA_OUT="$STAGE/packages/quadra-lib/build/Release" \
  && step "build the CUDA module" 200 cmake-build.log cmake --build "$BUILD" -j "$(nproc)"
ls -la "$STAGE/packages/quadra-lib/build/Release/cuda/" >> "$LOG" 2>&1

# 2. conformance (each op vs the reference, optimizers, one training step vs cpu)
step "cuda info" 30 info.log "$NODE" "$DRIVER" info
step "cuda conformance" 120 conformance.log "$NODE" "$DRIVER" conformance --json --out "$OUT_DIR/conformance.json"

# 3. benchmarks: quadconv (ours, PyTorch), then training throughput (PyTorch, ours)
step "quadconv on our kernels" 60 ours-quadconv.log "$NODE" "$DRIVER" quadconv --config 64x56x56x128k7 --json --out "$OUT_DIR/ours-quadconv.json"
step "PyTorch: card peak, quadconv, QuadraNet-36-T training" 110 torch.log python3 "$HERE/torch_bench.py" --budget-s 25 --out "$OUT_DIR/torch.json"
step "QuadraNet-36-T training on our stack" 110 ours-train.log "$NODE" "$DRIVER" train --model quadranet36_t --batch 64 --size 224 --warmup 2 --steps 10 --budget-s 25 --json --out "$OUT_DIR/ours-train.json"

# 4. one table and figures.json
python3 "$HERE/report.py" "$OUT_DIR" | tee "$OUT_DIR/table.txt" | tee -a "$LOG"
rm -rf "$HERE/__pycache__"
[[ -n "${QUADRA_GPU_STAGE:-}" ]] || rm -rf "$STAGE"
say "done in $(($(date +%s) - START))s, status $STATUS; logs and figures.json in $OUT_DIR"
exit $STATUS
