"""PyTorch peer of `node bench/dist/main.js train-speed`: the same QuadraNet (bench/gpu/torch_quadranet.py,
channels_last) trained the way `quadra train` trains: AdamW (no weight decay on 1-D parameters),
label-smoothed cross-entropy, gradient clipping, drop path, on one synthetic batch.

Reads the model's state dict (PyTorch names and layouts) and a check batch x [n,H,W,C]; writes the
eval-mode logits (logits.f32) for the bench's numerics check. Then `--warmup` steps, `--steps`
timed steps: images/s, process CPU time / wall time (2.0 = two cores busy) and the peak RSS of the
timed steps.

  /usr/bin/python3 peer_train.py --dir D --threads 2 --depths 2,2,6,2 --dims 24,48,96,192 --stem 2,2,0 \
      --in-chans 1 --classes 10 --size 28 --batch 128 --steps 20 --warmup 3
"""
import time

from peer_common import describe, emit, import_torch, load, manifest, parser, reset_peak_rss, rss_bytes, run_main, save


def ints(text):
    return [int(v) for v in text.split(",")]


def main():
    p = parser(__doc__)
    p.add_argument("--depths", type=ints, required=True)
    p.add_argument("--dims", type=ints, required=True)
    p.add_argument("--stem", type=ints, required=True, help="kernel,stride,padding")
    p.add_argument("--kernel", type=int, default=7)
    p.add_argument("--in-chans", type=int, required=True)
    p.add_argument("--classes", type=int, required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--clip-grad", type=float, default=5.0)
    p.add_argument("--drop-path", type=float, default=0.1)
    a = p.parse_args()
    torch = import_torch(a.threads)
    if torch is None:
        return
    import torch.nn.functional as F  # noqa: PLC0415
    from torch_quadranet import QuadraNet  # noqa: PLC0415

    man = manifest(a.dir)
    model = QuadraNet(a.depths, a.dims, a.classes, a.in_chans, a.drop_path, a.kernel, stem=tuple(a.stem))
    model.load_state_dict({name: load(torch, a.dir, e) for name, e in man["state_dict"].items()}, strict=True)
    model = model.to(memory_format=torch.channels_last)
    model.eval()
    with torch.no_grad():
        save(a.dir, "logits.f32", model(load(torch, a.dir, man["tensors"]["x"]).permute(0, 3, 1, 2)))

    params = list(model.parameters())
    groups = [{"params": [q for q in params if q.dim() > 1]},
              {"params": [q for q in params if q.dim() <= 1], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=a.lr, weight_decay=a.weight_decay)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(a.batch, a.size, a.size, a.in_chans, generator=g).permute(0, 3, 1, 2)
    labels = torch.randint(0, a.classes, (a.batch,), generator=g)
    model.train()

    def step():
        logits = model(x)
        loss = F.cross_entropy(logits, labels, label_smoothing=a.label_smoothing)
        loss.backward()
        loss.item()
        torch.nn.utils.clip_grad_norm_(params, a.clip_grad if a.clip_grad > 0 else float("inf"))
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(a.warmup):
        step()
    reset = reset_peak_rss()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    emit({**describe(torch), "images_per_s": a.batch * a.steps / wall, "step_ms": 1000 * wall / a.steps, "steps": a.steps,
          "wall_s": wall, "cpu_s": cpu, "cpu_utilisation": cpu / wall,
          "peak_rss_bytes": rss_bytes("VmHWM"), "peak_rss_scope": "steps" if reset else "process"})


if __name__ == "__main__":
    run_main(main)
