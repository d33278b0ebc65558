"""The original's RAVEN baseline in PyTorch, for benchmarks/paper-baseline.ts (not a dependency).

Written from the original's code (shlomenu/symbolically_synthesized_networks@f960ecd:
network.py's PixelShuffle_ViT_Encoder and Network.run, raven.py's pixel scaling) and
vit-pytorch 0.38.1's simple_vit (posemb_sincos_2d, Attention, FeedForward, Transformer):
the paper encoder with one output logit, BCEWithLogits, Adam, ReduceLROnPlateau stepped with
every batch's loss, batch 8, 16 epochs.

    python3 original_baseline.py DATA_DIR --seed S
        PyTorch's own initialization and shuffling from torch.manual_seed(S);
    python3 original_baseline.py DATA_DIR --init MODEL_DIR --order ORDER.json
        our model's initial weights (a saved model: model.json + weights.bin, by our weight
        names) and our trainer's batch order, so that the two implementations train the same
        network on the same batches.

DATA_DIR holds {train,validation,test}.x.f32 (NHWC pixels in [0, 1]) and .y.i32 (labels).
Prints the loss of every epoch, then one JSON line: train, validation and test accuracy.
"""
import argparse
import json
import os
import time

# One thread means one: torch.set_num_threads(1) does not reach Debian's OpenBLAS, which
# otherwise runs its products on every core (a 1024^3 matmul measured 153 GFLOP/s on two
# cores with process CPU time twice the wall time; 83 GFLOP/s with this).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np
import torch as th
from torch import nn

th.set_num_threads(1)


def posemb_sincos_2d(patches, temperature=10000):
    _, h, w, dim = patches.shape
    y, x = th.meshgrid(th.arange(h), th.arange(w), indexing="ij")
    omega = 1.0 / (temperature ** (th.arange(dim // 4) / (dim // 4 - 1)))
    y = y.flatten()[:, None] * omega[None, :]
    x = x.flatten()[:, None] * omega[None, :]
    return th.cat((x.sin(), x.cos(), y.sin(), y.cos()), dim=1).float()


class FeedForward(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x):
        return self.net(x)


class Attention(nn.Module):
    def __init__(self, dim, heads, dim_head):
        super().__init__()
        self.heads, self.scale = heads, dim_head ** -0.5
        self.norm = nn.LayerNorm(dim)
        self.to_qkv = nn.Linear(dim, dim_head * heads * 3, bias=False)
        self.to_out = nn.Linear(dim_head * heads, dim, bias=False)

    def forward(self, x):
        x = self.norm(x)
        b, n, _ = x.shape
        q, k, v = (t.reshape(b, n, self.heads, -1).transpose(1, 2) for t in self.to_qkv(x).chunk(3, dim=-1))
        attn = (q @ k.transpose(-1, -2) * self.scale).softmax(dim=-1)
        return self.to_out((attn @ v).transpose(1, 2).reshape(b, n, -1))


class Transformer(nn.Module):
    def __init__(self, dim, depth, heads, dim_head, mlp_dim):
        super().__init__()
        self.layers = nn.ModuleList([nn.ModuleList([Attention(dim, heads, dim_head), FeedForward(dim, mlp_dim)]) for _ in range(depth)])

    def forward(self, x):
        for attn, ff in self.layers:
            x = attn(x) + x
            x = ff(x) + x
        return x


class ConvResidual(nn.Module):
    def __init__(self, channels, size):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1, bias=False), nn.LayerNorm([channels, size, size]),
            nn.Conv2d(channels, channels, 1, bias=False), nn.GELU(), nn.Conv2d(channels, channels, 1, bias=False))

    def forward(self, x):
        return x + self.net(x)


class Encoder(nn.Module):
    """PixelShuffle_ViT_Encoder with the paper's sizes and one output (the baseline)."""

    def __init__(self, input_size=128, downsampled=8, dim=256, depth=2, heads=4, dim_head=128, mlp_dim=512, channels=1, conv_depth=3, out=1):
        super().__init__()
        r = input_size // downsampled
        self.unshuffle = nn.PixelUnshuffle(r)
        self.stem = nn.Conv2d(channels * r * r, dim, kernel_size=1)
        self.blocks = nn.Sequential(*[ConvResidual(dim, downsampled) for _ in range(conv_depth)])
        self.transformer = Transformer(dim, depth, heads, dim_head, mlp_dim)
        self.pool = nn.Linear(dim, out)

    def forward(self, img):
        x = self.blocks(self.stem(self.unshuffle(img))).permute(0, 2, 3, 1)
        b, h, w, c = x.shape
        x = x + posemb_sincos_2d(x).reshape(h, w, c)
        return self.pool(self.transformer(x.reshape(b, h * w, c)).mean(dim=1))


def our_weights(net, model_dir):
    """A saved model's weights, by our names and layouts (dense [in, out], NHWC), into the module."""
    manifest = json.load(open(f"{model_dir}/model.json"))
    values = np.fromfile(f"{model_dir}/weights.bin", dtype="<f4")
    w = {e["name"]: th.tensor(values[e["offset"]:e["offset"] + int(np.prod(e["shape"]))].reshape(e["shape"])) for e in manifest["weights"]}
    dim = w["encoder.stem.bias"].shape[0]
    sd = {"stem.weight": w["encoder.stem.weight"].T.reshape(dim, -1, 1, 1), "stem.bias": w["encoder.stem.bias"],
          "pool.weight": w["encoder.out.weight"].T, "pool.bias": w["encoder.out.bias"]}
    for k in range(len(net.blocks)):
        p, q = f"encoder.block{k}", f"blocks.{k}.net"
        sd[f"{q}.0.weight"] = w[f"{p}.conv3"].permute(3, 2, 0, 1)
        sd[f"{q}.1.weight"], sd[f"{q}.1.bias"] = w[f"{p}.norm.gain"].permute(2, 0, 1), w[f"{p}.norm.shift"].permute(2, 0, 1)
        sd[f"{q}.2.weight"], sd[f"{q}.4.weight"] = w[f"{p}.mix1"].T.reshape(dim, dim, 1, 1), w[f"{p}.mix2"].T.reshape(dim, dim, 1, 1)
    for i in range(len(net.transformer.layers)):
        p, q = f"encoder.transformer{i}", f"transformer.layers.{i}"
        sd[f"{q}.0.norm.weight"], sd[f"{q}.0.norm.bias"] = w[f"{p}.attnNorm.gain"], w[f"{p}.attnNorm.shift"]
        sd[f"{q}.0.to_qkv.weight"], sd[f"{q}.0.to_out.weight"] = w[f"{p}.qkv.weight"].T, w[f"{p}.attnOut.weight"].T
        sd[f"{q}.1.net.0.weight"], sd[f"{q}.1.net.0.bias"] = w[f"{p}.ffNorm.gain"], w[f"{p}.ffNorm.shift"]
        sd[f"{q}.1.net.1.weight"], sd[f"{q}.1.net.1.bias"] = w[f"{p}.ffIn.weight"].T, w[f"{p}.ffIn.bias"]
        sd[f"{q}.1.net.3.weight"], sd[f"{q}.1.net.3.bias"] = w[f"{p}.ffOut.weight"].T, w[f"{p}.ffOut.bias"]
    net.load_state_dict(sd)


def load(data_dir, split):
    x = th.from_numpy(np.fromfile(f"{data_dir}/{split}.x.f32", dtype=np.float32).reshape(-1, 128, 128, 1)).permute(0, 3, 1, 2)
    y = th.from_numpy(np.fromfile(f"{data_dir}/{split}.y.i32", dtype=np.int32)).float()[:, None]
    return 2.0 * x - 1.0, y  # raven.py: 2 * (pixel / 255) - 1


def main():
    args = argparse.ArgumentParser()
    args.add_argument("data_dir")
    args.add_argument("--seed", type=int, default=0)
    args.add_argument("--init")
    args.add_argument("--order")
    a = args.parse_args()
    th.manual_seed(a.seed)
    splits = {s: load(a.data_dir, s) for s in ("train", "validation", "test")}
    net = Encoder()
    if a.init:
        our_weights(net, a.init)
    opt = th.optim.Adam(net.parameters())
    sched = th.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=50, threshold=1e-4, cooldown=15)
    loss_f = nn.BCEWithLogitsLoss(reduction="mean")
    x, y = splits["train"]
    n, batch, epochs = len(y), 8, 16
    if a.order:
        order = json.load(open(a.order))
    else:  # a fresh permutation per epoch, as DataLoader(shuffle=True)
        order = []
        for _ in range(epochs):
            perm = th.randperm(n)
            order += [perm[i:i + batch].tolist() for i in range(0, n, batch)]
    per_epoch = len(order) // epochs
    started, total = time.time(), 0.0
    net.train()
    for step, idx in enumerate(order, 1):
        out = net(x[idx])
        loss = loss_f(out, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step(loss)
        total += loss.item()
        if step % per_epoch == 0:
            print(f"epoch {step // per_epoch}: train loss {total / per_epoch:.4f}, lr {opt.param_groups[0]['lr']:.2e}", flush=True)
            total = 0.0
    net.eval()

    def accuracy(split):
        xs, ys = splits[split]
        with th.no_grad():
            return sum(((net(xs[i:i + 100]) > 0).float() == ys[i:i + 100]).sum().item() for i in range(0, len(ys), 100)) / len(ys)

    print(json.dumps({"train": accuracy("train"), "validation": accuracy("validation"), "test": accuracy("test"), "seconds": round(time.time() - started, 1)}), flush=True)


if __name__ == "__main__":
    main()
