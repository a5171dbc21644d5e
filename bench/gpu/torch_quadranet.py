"""QuadraNet in PyTorch for the GPU comparison: the reference design (PAPER.md), channels-last.

Our own code, written from the paper's description: stem Conv 4x4/4 + LayerNorm, downsample
LayerNorm + Conv 2x2/2, stages of QuadraBlocks (LN -> quadratic depthwise conv 7x7 -> layer scale,
then LN -> Linear 4C -> GELU -> Linear C -> layer scale, drop path on both branches), global mean,
LayerNorm, head. Parameter names follow the reference state dict. Tensors stay NCHW in shape and
channels_last in memory, as the paper trains. The same macro design with ConvNeXt blocks
(block="conv") and another stem (stem=(kernel, stride, padding)) serves the CPU peers of
bench/python (quadconv, one block, the Fashion-MNIST training net).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

DEPTHS = {"36": [3, 3, 27, 3], "25": [2, 3, 18, 2]}
WIDTHS = {"xxs": 16, "xs": 32, "t": 64, "s": 96, "b": 128}


class ChannelNorm(nn.Module):
    """LayerNorm over the channel axis of an NCHW tensor (channels-last in memory)."""

    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        y = F.layer_norm(x.permute(0, 2, 3, 1), (x.shape[1],), self.weight, self.bias, self.eps)
        return y.permute(0, 3, 1, 2)


class QuadraConv(nn.Module):
    """y = DWa(x) * DWb(x) + DWc(x): three depthwise k x k convs with biases, a multiply, an add."""

    def __init__(self, c, k=7):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, k, padding=k // 2, groups=c)
        self.conv2 = nn.Conv2d(c, c, k, padding=k // 2, groups=c)
        self.conv3 = nn.Conv2d(c, c, k, padding=k // 2, groups=c)

    def forward(self, x):
        return self.conv1(x) * self.conv2(x) + self.conv3(x)


def drop_path(x, p, training):
    if p == 0.0 or not training:
        return x
    keep = torch.empty((x.shape[0],) + (1,) * (x.dim() - 1), device=x.device, dtype=x.dtype).bernoulli_(1 - p)
    return x * keep / (1 - p)


class QuadraBlock(nn.Module):
    def __init__(self, c, k=7, drop=0.0, ls_init=1e-6):
        super().__init__()
        self.norm1 = ChannelNorm(c)
        self.QuadraConv = QuadraConv(c, k)
        self.norm2 = nn.LayerNorm(c, eps=1e-6)
        self.pwconv1 = nn.Linear(c, 4 * c)
        self.pwconv2 = nn.Linear(4 * c, c)
        self.gamma1 = nn.Parameter(ls_init * torch.ones(c))
        self.gamma2 = nn.Parameter(ls_init * torch.ones(c))
        self.drop = drop

    def forward(self, x):
        x = x + drop_path(self.gamma1[:, None, None] * self.QuadraConv(self.norm1(x)), self.drop, self.training)
        y = x.permute(0, 2, 3, 1)
        y = self.gamma2 * self.pwconv2(F.gelu(self.pwconv1(self.norm2(y))))
        return x + drop_path(y.permute(0, 3, 1, 2), self.drop, self.training)


class ConvBlock(nn.Module):
    """The ConvNeXt block: x + drop_path(gamma * Linear(4C->C)(GELU(Linear(C->4C)(LN(DW_k(x))))))."""

    def __init__(self, c, k=7, drop=0.0, ls_init=1e-6):
        super().__init__()
        self.dwconv = nn.Conv2d(c, c, k, padding=k // 2, groups=c)
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.pwconv1 = nn.Linear(c, 4 * c)
        self.pwconv2 = nn.Linear(4 * c, c)
        self.gamma = nn.Parameter(ls_init * torch.ones(c))
        self.drop = drop

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.gamma * self.pwconv2(F.gelu(self.pwconv1(self.norm(y))))
        return x + drop_path(y.permute(0, 3, 1, 2), self.drop, self.training)


BLOCKS = {"quadra": QuadraBlock, "conv": ConvBlock}


class QuadraNet(nn.Module):
    """stem = (kernel, stride, padding) of the first conv (the reference's patchify 4x4/4 by default)."""

    def __init__(self, depths, dims, num_classes=1000, in_chans=3, drop_path_rate=0.0, k=7, stem=(4, 4, 0), block="quadra"):
        super().__init__()
        sk, ss, sp = stem
        self.downsample_layers = nn.ModuleList([nn.Sequential(nn.Conv2d(in_chans, dims[0], sk, stride=ss, padding=sp), ChannelNorm(dims[0]))])
        for i in range(1, len(dims)):
            self.downsample_layers.append(nn.Sequential(ChannelNorm(dims[i - 1]), nn.Conv2d(dims[i - 1], dims[i], 2, stride=2)))
        rates = torch.linspace(0, drop_path_rate, sum(depths)).tolist()
        at = 0
        self.stages = nn.ModuleList()
        for i, d in enumerate(depths):
            self.stages.append(nn.Sequential(*[BLOCKS[block](dims[i], k, rates[at + j]) for j in range(d)]))
            at += d
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)
        self.head = nn.Linear(dims[-1], num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        for down, stage in zip(self.downsample_layers, self.stages):
            x = stage(down(x))
        return self.head(self.norm(x.mean([-2, -1])))


def quadranet(name, num_classes=1000, drop_path_rate=0.0):
    """quadranet36_t etc., as the TypeScript zoo names them."""
    family, size = name.replace("quadranet", "").split("_")
    c = WIDTHS[size]
    return QuadraNet(DEPTHS[family], [c, 2 * c, 4 * c, 8 * c], num_classes, drop_path_rate=drop_path_rate)
