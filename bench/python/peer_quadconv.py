"""PyTorch peer of `node bench/dist/main.js quadconv`: y = DWa(x) * DWb(x) + DWc(x) as three
depthwise Conv2d (groups=C, 'same' padding, biases) + mul + add, channels_last, the reference's
QuadraConv (bench/gpu/torch_quadranet.py).

Reads x, dy [N,H,W,C] and wa, wb, wc [k,k,C] (our layouts), ba, bb, bc [C]; writes y.f32 and dx.f32
(NHWC) for the bench's numerics check, then times the forward (no_grad) and forward+backward
(weights, biases and x require grad; dL/dy = dy), and the peak RSS of one forward+backward.

  /usr/bin/python3 peer_quadconv.py --dir D --threads 2 --n 8 --h 56 --w 56 --c 64 --k 7 [--runs 10 --warmup 3]
"""
from peer_common import describe, emit, import_torch, load, manifest, median_ms, parser, peak_rss_of, run_main, save


def main():
    p = parser(__doc__)
    for name in ("n", "h", "w", "c", "k"):
        p.add_argument(f"--{name}", type=int, required=True)
    a = p.parse_args()
    torch = import_torch(a.threads)
    if torch is None:
        return
    from torch_quadranet import QuadraConv  # noqa: PLC0415 - needs torch

    m = manifest(a.dir)["tensors"]
    t = {name: load(torch, a.dir, e) for name, e in m.items()}
    conv = QuadraConv(a.c, a.k)
    with torch.no_grad():
        for i, (w, b) in enumerate((("wa", "ba"), ("wb", "bb"), ("wc", "bc")), 1):
            layer = getattr(conv, f"conv{i}")
            layer.weight.copy_(t[w].permute(2, 0, 1).unsqueeze(1))  # [k,k,C] -> [C,1,k,k]
            layer.bias.copy_(t[b])
    conv = conv.to(memory_format=torch.channels_last)
    # NHWC in memory, NCHW in shape: channels_last without a copy
    x = t["x"].permute(0, 3, 1, 2)
    dy = t["dy"].permute(0, 3, 1, 2)

    xg = x.detach().clone(memory_format=torch.channels_last).requires_grad_(True)
    y = conv(xg)
    y.backward(dy)
    save(a.dir, "y.f32", y.permute(0, 2, 3, 1))
    save(a.dir, "dx.f32", xg.grad.permute(0, 2, 3, 1))

    def forward():
        with torch.no_grad():
            conv(x)

    def step():
        xg.grad = None
        for q in conv.parameters():
            q.grad = None
        conv(xg).backward(dy)

    fwd = median_ms(forward, a.warmup, a.runs)
    fb = median_ms(step, a.warmup, a.runs)
    emit({**describe(torch), "fwd_ms": fwd["median"], "fwdbwd_ms": fb["median"], "runs": a.runs, "fwd": fwd, "fwdbwd": fb,
          "channels_last": y.is_contiguous(memory_format=torch.channels_last), **peak_rss_of(step)})


if __name__ == "__main__":
    run_main(main)
