#!/usr/bin/python3
"""The SSGAN convolution layers in PyTorch, timed like ConvBenchmark, for comparison.

Run PyTorch at its best: Debian's python3-torch with the OpenMP build of OpenBLAS and its AVX-512 kernels
(freed memory is kept in glibc's heap by heap_settings.py: without it d2's forward took 34 ms here, not 4),
for this command only (do not export these settings; OMP_NUM_THREADS is set from --threads unless given):

    apt-get install -y python3-torch libopenblas0-openmp
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SKYLAKEX \
        /usr/bin/python3 benchmarks/pytorch_layers.py [--ours results.json] [--threads 2]

With --ours (a JMH JSON file: java -jar benchmarks/target/benchmarks.jar ConvBenchmark -rf json -rff results.json)
it prints our time, PyTorch's time and the ratio (PyTorch time / our time: above 1 means we are faster).

Same shapes as ssgan.benchmarks.SsganLayer, batch 100. Forward is one conv2d / conv_transpose2d call with bias;
backward is the input, weight and bias gradients of that call given a random output gradient (the forward
graph is built outside the timed region). The generator's TensorFlow-SAME transposed convolution is
conv_transpose2d(padding=1) followed by dropping the last row and column (the same arithmetic as ours).
Reported: the median of the timed runs after warm-up.
"""
import argparse
import json
import os
import statistics
import time

import openmp_threads  # noqa: F401  (sets OMP_NUM_THREADS from --threads; must come before torch)
import heap_settings  # noqa: F401  (keeps freed memory in the heap; before torch allocates)
import torch
import torch.nn.functional as F

BATCH = 100
# name: (transposed, in channels, in size, out channels, kernel, stride, padding (left, right, top, bottom) for convs)
LAYERS = {
    "d1": (False, 1, 28, 64, 5, 2, (1, 2, 1, 2)),     # SAME 28 -> 14: total pad 3, extra at bottom/right
    "d2": (False, 64, 14, 128, 3, 2, (0, 1, 0, 1)),   # SAME 14 -> 7: total pad 1
    "d3": (False, 128, 7, 256, 3, 1, (0, 0, 0, 0)),   # VALID 7 -> 5
    "d4": (False, 256, 5, 256, 3, 2, (0, 0, 0, 0)),   # VALID 5 -> 2
    "g1": (True, 64, 2, 256, 5, 2, None),             # SAME 2 -> 4
    "g2": (True, 256, 4, 128, 5, 2, None),
    "g3": (True, 128, 8, 64, 5, 2, None),
    "g4": (True, 64, 16, 1, 5, 2, None),
}


def make(layer):
    transposed, cin, size, cout, k, stride, pad = LAYERS[layer]
    x = torch.randn(BATCH, cin, size, size, requires_grad=True)
    if transposed:
        w = torch.randn(cin, cout, k, k, requires_grad=True)
        b = torch.randn(cout, requires_grad=True)
        fn = lambda: F.conv_transpose2d(x, w, b, stride=stride, padding=1)[:, :, :-1, :-1]
    else:
        w = torch.randn(cout, cin, k, k, requires_grad=True)
        b = torch.randn(cout, requires_grad=True)
        if any(pad):
            fn = lambda: F.conv2d(F.pad(x, pad), w, b, stride=stride)
        else:
            fn = lambda: F.conv2d(x, w, b, stride=stride)
    return x, w, b, fn


def time_ms(run, warmup, repeats):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def measure(layer, pass_, warmup, repeats):
    x, w, b, fn = make(layer)
    if pass_ == "forward":
        with torch.no_grad():
            return time_ms(fn, warmup, repeats)
    # Backward only: build the graph outside the timed region, then time autograd.grad on it.
    dy = torch.randn_like(fn())
    graphs = []

    def backward():
        torch.autograd.grad(graphs.pop(), (x, w, b), dy)

    for _ in range(warmup):
        graphs.append(fn())
        backward()
    times = []
    for _ in range(repeats):
        graphs.append(fn())
        t0 = time.perf_counter()
        backward()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def load_ours(path):
    """(layer, pass) -> ms per call from a JMH JSON of ConvBenchmark."""
    ours = {}
    for r in json.load(open(path)):
        if not r["benchmark"].endswith("ConvBenchmark.run"):
            continue
        m = r["primaryMetric"]
        scale = {"ms/op": 1.0, "us/op": 1e-3, "s/op": 1e3, "ns/op": 1e-6}[m["scoreUnit"]]
        ours[(r["params"]["layer"], r["params"]["pass"])] = m["score"] * scale
    return ours


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", help="JMH JSON results of ConvBenchmark")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--layers", default=",".join(LAYERS))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    ours = load_ours(args.ours) if args.ours else {}
    print("torch %s, %d threads (OMP_NUM_THREADS=%s), BLAS: %s" % (
        torch.__version__, torch.get_num_threads(), os.environ["OMP_NUM_THREADS"],
        "openblas-openmp" if "openblas-openmp" in open("/proc/self/maps").read() else "default"))
    header = "%-5s %-9s %12s" % ("layer", "pass", "pytorch ms")
    if ours:
        header += " %10s %8s" % ("ours ms", "ratio")
    print(header)
    for layer in args.layers.split(","):
        for pass_ in ("forward", "backward"):
            t = measure(layer, pass_, args.warmup, args.repeats)
            line = "%-5s %-9s %12.3f" % (layer, pass_, t)
            if (layer, pass_) in ours:
                o = ours[(layer, pass_)]
                line += " %10.3f %8.2f" % (o, t / o)
            print(line, flush=True)


if __name__ == "__main__":
    main()
