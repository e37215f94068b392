#!/usr/bin/env bash
# Compiles every CUDA source in src/main/cuda to PTX, the portable assembly that the driver compiles for
# the GPU it finds at run time, so neither the build nor the user needs nvcc. The PTX files are committed;
# run this after changing a .cu file (PtxTest checks that the committed files match what it produces).
#
#   engine-cuda/scripts/regenerate-ptx.sh [OUTPUT_DIR]     (default: src/main/resources/ssgan/cuda)
#
# compute_80 (Ampere) is the oldest architecture the kernels are written for; the driver JIT-compiles the
# PTX for any newer GPU. Without -lineinfo or -G the output holds no paths or dates: the same nvcc gives
# the same bytes on any machine.
set -euo pipefail

module_dir="$(cd "$(dirname "$0")/.." && pwd)"
sources="$module_dir/src/main/cuda"
out="${1:-$module_dir/src/main/resources/ssgan/cuda}"
mkdir -p "$out"

for cu in "$sources"/*.cu; do
    name="$(basename "$cu" .cu)"
    (cd "$sources" && nvcc -ptx -arch=compute_80 -O3 -o "$out/$name.ptx" "$name.cu")
done
