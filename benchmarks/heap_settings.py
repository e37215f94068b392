"""Keeps freed memory in the process's heap, for the PyTorch scripts; import it before torch.

glibc's malloc hands large freed blocks back to the kernel: a block above the mmap threshold is unmapped
when freed, and the top of the heap is trimmed once 128 KiB of it are free. A call that allocates a large
output or scratch buffer then faults its pages in again, every time. On these virtual machines that
dominated some of PyTorch's convolutions: d2's forward took 34 ms with glibc's defaults and 4.1 ms with
the thresholds below (2026-12-07, Zen 5). PyTorch's CPU tuning guide recommends an allocator that reuses
memory (jemalloc or tcmalloc); mallopt gives glibc's the same habit without another library.
"""
import ctypes

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
_libc = ctypes.CDLL("libc.so.6")
# Trim the heap only beyond 1 GiB free; map separately only blocks above 32 MiB (glibc's largest threshold).
if not (_libc.mallopt(M_TRIM_THRESHOLD, 1 << 30) and _libc.mallopt(M_MMAP_THRESHOLD, 1 << 25)):
    raise SystemExit("heap_settings: mallopt refused the thresholds; this script expects glibc")
