"""PyTorch peer of `node bench/dist/main.js quadrablock`: one QuadraBlock or ConvNeXt block as the
reference writes it (bench/gpu/torch_quadranet.py: NCHW shape, channels_last memory, LayerNorm
eps 1e-6, erf GELU, layer scale, residual).

Reads x, dy [N,H,W,C] and the block's state dict (PyTorch names and layouts, from our
toPyTorchStateDict); writes y.f32 (NHWC, eval forward) for the bench's numerics check, then times
the inference forward (eval, no_grad) and a training step's forward+backward (train mode,
parameters require grad, dL/dy = dy), and the peak RSS of one training step.

  /usr/bin/python3 peer_block.py --dir D --threads 2 --kind quadra --c 64 --k 7 [--runs 10 --warmup 3]
"""
from peer_common import describe, emit, import_torch, load, manifest, median_ms, parser, peak_rss_of, run_main, save


def main():
    p = parser(__doc__)
    p.add_argument("--kind", choices=("quadra", "conv"), required=True)
    p.add_argument("--c", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    a = p.parse_args()
    torch = import_torch(a.threads)
    if torch is None:
        return
    from torch_quadranet import BLOCKS  # noqa: PLC0415 - needs torch

    man = manifest(a.dir)
    block = BLOCKS[a.kind](a.c, a.k)
    block.load_state_dict({name: load(torch, a.dir, e) for name, e in man["state_dict"].items()}, strict=True)
    block = block.to(memory_format=torch.channels_last)
    x = load(torch, a.dir, man["tensors"]["x"]).permute(0, 3, 1, 2)
    dy = load(torch, a.dir, man["tensors"]["dy"]).permute(0, 3, 1, 2)

    block.eval()
    with torch.no_grad():
        save(a.dir, "y.f32", block(x).permute(0, 2, 3, 1))

    def forward():
        with torch.no_grad():
            block(x)

    def step():
        block.zero_grad(set_to_none=True)
        block(x).backward(dy)

    fwd = median_ms(forward, a.warmup, a.runs)
    block.train()
    fb = median_ms(step, a.warmup, a.runs)
    emit({**describe(torch), "fwd_ms": fwd["median"], "fwdbwd_ms": fb["median"], "runs": a.runs, "fwd": fwd, "fwdbwd": fb,
          **peak_rss_of(step)})


if __name__ == "__main__":
    run_main(main)
