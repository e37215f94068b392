#!/usr/bin/env python3
"""One SSGAN training iteration in PyTorch: the reference for TrainingStepBenchmark.

The same iteration as ssgan.app.train.SsganStep, on the same models (ssgan-app/.../model/) and batch sizes
(mlp: 100, dcgan: 50), synthetic images of MNIST's shape, 2 threads (this machine's cores).

PyTorch at its best: Debian's torch links the reference BLAS by default; point it at OpenBLAS (OpenMP
build) and tell OpenBLAS the core type, or the linear layers run several times slower; subnormal floats
are flushed to zero (see main); freed memory stays in glibc's heap (heap_settings.py: without it this
step took 72 ms here instead of 37-39). Run it on a quiet machine: OpenMP threads spin-wait, so another busy
process on the two cores slows PyTorch down many times over. OMP_NUM_THREADS is set from --threads unless
given (see below).

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SKYLAKEX \\
        /usr/bin/python3 benchmarks/pytorch_step.py [--arch mlp|dcgan|all] [--ours results.json]

With --ours, reads a JMH JSON result file (java -jar benchmarks/target/benchmarks.jar TrainingStepBenchmark
-rf json -rff results.json) and prints our time, PyTorch's and the ratio for each architecture.
"""
import argparse
import json
import os
import statistics
import time

import openmp_threads  # noqa: F401  (sets OMP_NUM_THREADS from --threads; must come before torch)
import heap_settings  # noqa: F401  (keeps freed memory in the heap; before torch allocates)
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- models (mirroring the Java ones)

class WeightNormLinear(nn.Module):
    """y = (x·vᵀ)·g/‖v‖ + b, as ssgan.nn.layers.WeightNormLinear computes it."""

    def __init__(self, n_in, n_out, train_g=True):
        super().__init__()
        self.v = nn.Parameter(torch.randn(n_out, n_in) * n_in ** -0.5)
        self.g = nn.Parameter(self.v.detach().norm(dim=1), requires_grad=train_g)
        self.b = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return (x @ self.v.t()) * (self.g / self.v.norm(dim=1)) + self.b


def gaussian_noise(x, std):
    return x + torch.randn_like(x) * std


class MlpDiscriminator(nn.Module):
    HIDDEN = [1000, 500, 250, 250, 250]

    def __init__(self):
        super().__init__()
        sizes = [784] + self.HIDDEN
        # The hidden layers' scales are frozen (fixed by the data-dependent init), as in the Java model.
        self.hidden = nn.ModuleList(WeightNormLinear(a, b, train_g=False) for a, b in zip(sizes, sizes[1:]))
        self.out = WeightNormLinear(sizes[-1], 10)

    uses_batch_statistics = False

    def classify(self, images):
        h = gaussian_noise(images.reshape(images.shape[0], 784) * 0.5 + 0.5, 0.3)
        features = None
        for i, layer in enumerate(self.hidden):
            h = F.relu(layer(h))
            if i == len(self.hidden) - 1:
                features = h
            h = gaussian_noise(h, 0.5)
        return self.out(h), features


class MlpGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(100, 500, bias=False)
        self.bn1 = nn.BatchNorm1d(500)
        self.fc2 = nn.Linear(500, 500, bias=False)
        self.bn2 = nn.BatchNorm1d(500)
        self.out = WeightNormLinear(500, 784)

    def noise(self, n):
        return torch.rand(n, 100)

    def forward(self, z):
        h = F.softplus(self.bn1(self.fc1(z)))
        h = F.softplus(self.bn2(self.fc2(h)))
        return torch.tanh(self.out(h)).reshape(-1, 1, 28, 28)


def same_pad(size, k, stride):
    """TensorFlow SAME padding (before, after) for one axis: out = ceil(size / stride)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


class DcganDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([
            nn.Conv2d(1, 64, 5, stride=2, bias=True),     # SAME: padded explicitly in classify
            nn.Conv2d(64, 128, 3, stride=2, bias=False),  # SAME
            nn.Conv2d(128, 256, 3, stride=1, bias=False),  # VALID
            nn.Conv2d(256, 256, 3, stride=2, bias=False),  # VALID
        ])
        self.norms = nn.ModuleList([nn.Identity(), nn.BatchNorm2d(128), nn.BatchNorm2d(256), nn.BatchNorm2d(256)])
        self.same = [True, True, False, False]
        self.out = nn.Linear(256 * 2 * 2, 10)

    uses_batch_statistics = True

    def classify(self, images):
        h = images
        for conv, norm, same in zip(self.convs, self.norms, self.same):
            if same:
                before, after = same_pad(h.shape[-1], conv.kernel_size[0], conv.stride[0])
                h = F.pad(h, (before, after, before, after))
            h = F.leaky_relu(norm(conv(h)), 0.2)
        features = h.reshape(h.shape[0], -1)
        return self.out(features), features


class DcganGenerator(nn.Module):
    CHANNELS = [64, 256, 128, 64, 1]

    def __init__(self):
        super().__init__()
        self.project = nn.Linear(128, 64 * 2 * 2, bias=False)
        self.project_norm = nn.BatchNorm1d(64 * 2 * 2)
        c = self.CHANNELS
        # TensorFlow SAME (out = 2·in): padding 1, then the last row and column dropped (see ConvTranspose2dSpec).
        self.deconvs = nn.ModuleList(nn.ConvTranspose2d(c[i], c[i + 1], 5, stride=2, padding=1, bias=(i == 3))
                                     for i in range(4))
        self.norms = nn.ModuleList(nn.BatchNorm2d(c[i + 1]) for i in range(3))

    def noise(self, n):
        return torch.randn(n, 128)

    def forward(self, z):
        h = F.relu(self.project_norm(self.project(z))).reshape(-1, 64, 2, 2)
        for i in range(4):
            h = self.deconvs[i](h)[:, :, :-1, :-1]
            if i < 3:
                h = F.relu(self.norms[i](h))
        return torch.tanh(F.interpolate(h, size=(28, 28), mode="bilinear", align_corners=False))


# ---------------------------------------------------------------- the iteration (SsganStep.run)

class Step:
    def __init__(self, disc, gen, unsupervised_weight=0.5):
        self.disc, self.gen = disc, gen
        self.disc_opt = torch.optim.Adam([p for p in disc.parameters() if p.requires_grad], lr=3e-4, betas=(0.5, 0.999))
        self.gen_opt = torch.optim.Adam(gen.parameters(), lr=3e-4, betas=(0.5, 0.999))
        self.disc_params = [p for p in disc.parameters() if p.requires_grad]
        self.unsupervised_weight = unsupervised_weight

    def classify_each(self, *batches):
        if self.disc.uses_batch_statistics:
            return [self.disc.classify(b)[0] for b in batches]
        logits, _ = self.disc.classify(torch.cat(batches))
        return torch.split(logits, [b.shape[0] for b in batches])

    def run(self, labelled, labels, unlabelled, unlabelled2):
        n = unlabelled.shape[0]
        with torch.no_grad():
            fake = self.gen(self.gen.noise(n))
        l_lab, l_real, l_fake = self.classify_each(labelled, unlabelled, fake)
        supervised = F.cross_entropy(l_lab, labels)
        unsupervised = (F.softplus(-torch.logsumexp(l_real, 1)).mean()
                        + F.softplus(torch.logsumexp(l_fake, 1)).mean())
        self.disc_opt.zero_grad()
        (supervised + self.unsupervised_weight * unsupervised).backward()
        self.disc_opt.step()

        with torch.no_grad():
            real_features = self.disc.classify(unlabelled2)[1]
        for p in self.disc_params:
            p.requires_grad_(False)
        try:
            fake_features = self.disc.classify(self.gen(self.gen.noise(n)))[1]
            gen_loss = F.mse_loss(fake_features.mean(0), real_features.mean(0))
            self.gen_opt.zero_grad()
            gen_loss.backward()
        finally:
            for p in self.disc_params:
                p.requires_grad_(True)
        self.gen_opt.step()
        return supervised.item(), unsupervised.item(), gen_loss.item()


BATCH = {"mlp": 100, "dcgan": 50}


def time_step(arch, warmup, iters):
    torch.manual_seed(42)
    if arch == "mlp":
        disc, gen = MlpDiscriminator(), MlpGenerator()
    else:
        disc, gen = DcganDiscriminator(), DcganGenerator()
    step = Step(disc, gen)
    n = BATCH[arch]
    images = [torch.rand(n, 1, 28, 28) * 2 - 1 for _ in range(3)]
    labels = torch.arange(n) % 10
    for _ in range(warmup):
        step.run(images[0], labels, images[1], images[2])
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step.run(images[0], labels, images[1], images[2])
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def read_ours(path):
    """arch -> ms per iteration from a JMH JSON result file."""
    ours = {}
    with open(path) as f:
        for result in json.load(f):
            if result["benchmark"].endswith("TrainingStepBenchmark.trainingStep"):
                metric = result["primaryMetric"]
                scale = {"ms/op": 1.0, "us/op": 1e-3, "s/op": 1e3}[metric["scoreUnit"]]
                ours[result["params"]["arch"]] = metric["score"] * scale
    return ours


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="all", choices=["mlp", "dcgan", "all"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--iters", type=int, default=50)
    parser.add_argument("--ours", help="JMH JSON results of TrainingStepBenchmark to compare with")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # Adam's second-moment estimates of rarely-used weights decay into subnormal floats, which x86 handles
    # in microcode (~100x slower per op): flushing them to zero is PyTorch at its best. Java cannot flush.
    torch.set_flush_denormal(True)
    archs = ["mlp", "dcgan"] if args.arch == "all" else [args.arch]
    ours = read_ours(args.ours) if args.ours else {}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads (OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}), "
          f"median of {args.iters} iterations")
    print(f"{'arch':6} {'batch':>5} {'pytorch ms':>11} {'ours ms':>9} {'ours/pytorch':>13}")
    for arch in archs:
        theirs = time_step(arch, args.warmup, args.iters)
        mine = ours.get(arch)
        mine_text = f"{mine:9.1f}" if mine is not None else f"{'-':>9}"
        ratio_text = f"{mine / theirs:13.2f}" if mine is not None else f"{'-':>13}"
        print(f"{arch:6} {BATCH[arch]:5d} {theirs:11.1f} {mine_text} {ratio_text}", flush=True)


if __name__ == "__main__":
    main()
