"""PyTorch mirror of the toolkit's presets for benchmarks/vs-pytorch.ts (not a dependency).

Reads one JSON workload on stdin (sizes, the G-SSNN's injection tables and messages, batch
size, steps) and prints one JSON line: the mirror's parameter count and its training
examples per second (forward, backward, Adam step), on one CPU thread.
"""
import json
import os
import math
import sys
import time

# One thread means one: torch.set_num_threads(1) does not reach Debian's OpenBLAS, which
# otherwise runs its products on every core (a 1024^3 matmul measured 153 GFLOP/s on two
# cores with process CPU time twice the wall time; 83 GFLOP/s with this).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import torch
from torch import nn

torch.set_num_threads(1)


def sincos_grid(s, dim):
    quarter = dim // 4
    out = torch.zeros(s * s, dim)
    for r in range(s):
        for c in range(s):
            for k in range(quarter):
                omega = 1 / 10000 ** (k / (quarter - 1)) if quarter > 1 else 1.0
                out[r * s + c, k] = math.sin(c * omega)
                out[r * s + c, quarter + k] = math.cos(c * omega)
                out[r * s + c, 2 * quarter + k] = math.sin(r * omega)
                out[r * s + c, 3 * quarter + k] = math.cos(r * omega)
    return out


class Vit(nn.Module):
    """encoders/vit.ts: unshuffle, stem, conv residual blocks, pre-norm transformer, mean, out."""

    def __init__(self, c):
        super().__init__()
        s, dim = c["downsampledSize"], c["dim"]
        self.s, self.dim, self.heads, self.head_dim = s, dim, c["heads"], c["headDim"]
        self.r = c["inputSize"] // s
        self.stem = nn.Linear(self.r * self.r * c["channels"], dim)
        self.blocks = nn.ModuleList()
        for _ in range(c["convDepth"]):
            self.blocks.append(nn.ModuleDict({
                "conv3": nn.Conv2d(dim, dim, 3, padding=1, bias=False),
                "norm": nn.LayerNorm([dim, s, s]),
                "mix1": nn.Conv2d(dim, dim, 1, bias=False),
                "mix2": nn.Conv2d(dim, dim, 1, bias=False),
            }))
        inner = c["heads"] * c["headDim"]
        self.layers = nn.ModuleList()
        for _ in range(c["depth"]):
            self.layers.append(nn.ModuleDict({
                "attn_norm": nn.LayerNorm(dim),
                "qkv": nn.Linear(dim, 3 * inner, bias=False),
                "attn_out": nn.Linear(inner, dim, bias=False),
                "ff_norm": nn.LayerNorm(dim),
                "ff_in": nn.Linear(dim, c["mlpDim"]),
                "ff_out": nn.Linear(c["mlpDim"], dim),
            }))
        self.out = nn.Linear(dim, c["outputDim"])
        self.register_buffer("positions", sincos_grid(s, dim))

    def forward(self, x):  # x: [B, C, H, W] in [0, 1]
        b = x.shape[0]
        h = nn.functional.pixel_unshuffle(x * 2 - 1, self.r)  # [B, C*r*r, s, s]
        h = self.stem(h.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        for blk in self.blocks:
            y = blk["mix2"](nn.functional.gelu(blk["mix1"](blk["norm"](blk["conv3"](h)))))
            h = h + y
        t = h.flatten(2).transpose(1, 2) + self.positions
        for layer in self.layers:
            q, k, v = layer["qkv"](layer["attn_norm"](t)).chunk(3, dim=-1)
            q, k, v = (z.reshape(b, -1, self.heads, self.head_dim).transpose(1, 2) for z in (q, k, v))
            attn = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.head_dim), dim=-1)
            t = t + layer["attn_out"]((attn @ v).transpose(1, 2).reshape(b, -1, self.heads * self.head_dim))
            t = t + layer["ff_out"](nn.functional.gelu(layer["ff_in"](layer["ff_norm"](t))))
        return self.out(t.mean(1))


class Gssnn(nn.Module):
    """models/gssnn.ts: injection by the same index tables, GINE layers with a linear update, mean, head."""

    def __init__(self, w):
        super().__init__()
        self.encoder = Vit(w["encoder"])
        g = w["graph"]
        d = w["dim"]
        self.d, self.dropout = d, w["dropout"]
        self.register_buffer("node_index", torch.tensor(g["nodeIndex"], dtype=torch.long))
        self.register_buffer("edge_index", torch.tensor(g["edgeIndex"], dtype=torch.long))
        self.register_buffer("node_codes", torch.tensor(g["nodeCodes"]).view(-1, d))
        self.register_buffer("edge_codes", torch.tensor(g["edgeCodes"]).view(-1, d))
        self.register_buffer("src", torch.tensor(g["source"], dtype=torch.long))
        self.register_buffer("tgt", torch.tensor(g["target"], dtype=torch.long))
        self.layers = nn.ModuleList(nn.Linear(d, d) for _ in range(w["depth"]))
        self.head = nn.Linear(d, w["outputWidth"])

    def forward(self, x):
        z = self.encoder(x)
        b = z.shape[0]
        nodes = z[:, self.node_index].view(b, -1, self.d) + self.node_codes
        edges = z[:, self.edge_index].view(b, -1, self.d) + self.edge_codes
        messages_e = torch.cat([edges, edges], 1)
        for layer in self.layers:
            nodes = nn.functional.dropout(nodes, self.dropout, self.training)
            e = nn.functional.dropout(messages_e, self.dropout, self.training)
            m = torch.relu(nodes[:, self.src] + e)
            agg = torch.zeros_like(nodes).index_add_(1, self.tgt, m)
            nodes = layer(nodes + agg)
        return self.head(nodes.mean(1))


def build(w):
    if w["kind"] == "linear":
        return Vit(w["encoder"])
    return Gssnn(w)


def main():
    w = json.load(sys.stdin)
    torch.manual_seed(0)
    model = build(w)
    model.train()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    e = w["encoder"]
    batch = w["batchSize"]
    x = torch.rand(batch, e["channels"], e["inputSize"], e["inputSize"])
    classes = w["classes"]
    y = torch.randint(0, classes, (batch,))
    single = w["outputWidth"] == 1
    loss_fn = nn.BCEWithLogitsLoss() if single else nn.CrossEntropyLoss()
    target = y.float().unsqueeze(1) if single else y

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()

    for _ in range(w["warmup"]):
        step()
    start_cpu = time.process_time()
    start = time.perf_counter()
    for _ in range(w["steps"]):
        step()
    wall = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    result = {"parameters": params, "examplesPerSecond": batch * w["steps"] / wall, "cpuExamplesPerSecond": batch * w["steps"] / cpu}
    if w.get("matmul"):
        n = w["matmul"]
        a, b2 = torch.rand(n, n), torch.rand(n, n)
        a @ b2
        t = time.perf_counter()
        reps = 3
        for _ in range(reps):
            a @ b2
        result["matmulGflops"] = 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9
    print(json.dumps(result))


if __name__ == "__main__":
    main()
