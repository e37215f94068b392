#!/usr/bin/env python3
"""Turns a JMH JSON result file into a Markdown table with GFLOP/s and the fraction of peak.

Usage:
    java -jar benchmarks/target/benchmarks.jar 'Peak|Gemm' -rf json -rff results.json
    python3 benchmarks/report.py results.json

Each row's GFLOP/s is its flop count (from FLOPS below) divided by its time per call, shown twice:
from the mean over the measured iterations, and from the best (fastest) iteration. On a machine
shared with other work the mean absorbs every interruption; the best iteration is closer to what the
code can do. The "% of peak" columns divide each by PeakBenchmark.fma's (mean by mean, best by best)
from the same file with the same `threads` parameter: a threads=1 row is compared with one core's
peak, a threads=2 row with the all-thread peak. Run the peak in the same JMH invocation as the
kernels, so both see the same machine state.

Adding a benchmark: put one entry in FLOPS, keyed by "ClassName.method" (the last two parts of
JMH's benchmark name), whose value is a function from the row's @Param values (a dict of strings)
to the number of floating-point operations one call performs. For example a convolution:
    "ConvBenchmark.forward": lambda p: 2 * n * cout * oh * ow * cin * kh * kw  (from p[...])
Give the benchmark a `threads` @Param to compare it with that thread count's peak; rows without
one run on all threads and are compared with the all-thread peak. Rows without a FLOPS entry are
still listed, without GFLOP/s.
"""
import json
import sys

# flops per call, keyed by "ClassName.method"; p holds the row's @Param values as strings.
# The SSGAN layers of ConvBenchmark (batch 100): 2·N·Cout·OH·OW·Cin·KH·KW for a conv, and for a
# transposed conv the same count of the convolution it transposes; backward (dx and dw) is twice that.
# The same numbers as SsganLayer.flops in the Java sources.
CONV_FORWARD = {
    "d1": 62_720_000, "d2": 722_534_400, "d3": 1_474_560_000, "d4": 471_859_200,
    "g1": 327_680_000, "g2": 2_621_440_000, "g3": 2_621_440_000, "g4": 81_920_000,
}

FLOPS = {
    "PeakBenchmark.fma": lambda p: int(p["flopsPerThread"]) * int(p["threads"]),
    "GemmBenchmark.gemm": lambda p: 2 * int(p["size"]) ** 3,  # m = n = k = size
    "ConvBenchmark.run": lambda p: CONV_FORWARD[p["layer"]] * (2 if p["pass"] == "backward" else 1),
    # 2 · (400 + 100 rows) · Σ in·out over the mlp's seven layer shapes, for each kind of product
    "MlpProductsBenchmark.products": lambda p: 2 * 500 * 2_163_500,
}

PEAK = "PeakBenchmark.fma"
SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}


def short_name(benchmark):
    return ".".join(benchmark.split(".")[-2:])


def seconds_per_call(result, best=False):
    """Mean time per call, or the fastest iteration's (the smallest average-time score)."""
    metric = result["primaryMetric"]
    unit = metric["scoreUnit"]
    if unit not in SECONDS:
        raise SystemExit(f"{short_name(result['benchmark'])}: unit {unit} is not a time per call; "
                         "run JMH in average-time mode (-bm avgt)")
    score = min(min(fork) for fork in metric["rawData"]) if best else metric["score"]
    return score * SECONDS[unit]


def gflops(result, best=False):
    flops = FLOPS.get(short_name(result["benchmark"]))
    if flops is None:
        return None
    return flops(result.get("params", {})) / seconds_per_call(result, best) / 1e9


def percent(rate, peak):
    return f"{100 * rate / peak:.0f} %" if rate is not None and peak else "–"


def number(rate):
    return "–" if rate is None else f"{rate:.1f}"


def main(path):
    with open(path) as f:
        results = json.load(f)
    peaks = {}  # threads -> (mean, best) GFLOP/s of the peak benchmark
    for r in results:
        if short_name(r["benchmark"]) == PEAK:
            peaks[r["params"]["threads"]] = (gflops(r), gflops(r, best=True))

    print("| Benchmark | Params | Time per call (mean ± error) | GFLOP/s mean | GFLOP/s best "
          "| % of peak, mean | % of peak, best |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        name = short_name(r["benchmark"])
        params = r.get("params", {})
        metric = r["primaryMetric"]
        time = f"{metric['score']:.4g} ± {metric['scoreError']:.2g} {metric['scoreUnit']}"
        mean, best = gflops(r), gflops(r, best=True)
        all_threads = max(peaks, key=int) if peaks else None
        peak_mean, peak_best = peaks.get(params.get("threads", all_threads), (None, None))
        shown = ", ".join(f"{k}={v}" for k, v in params.items() if k != "flopsPerThread")
        print(f"| {name} | {shown} | {time} | {number(mean)} | {number(best)} "
              f"| {percent(mean, peak_mean)} | {percent(best, peak_best)} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python3 benchmarks/report.py results.json")
    main(sys.argv[1])
