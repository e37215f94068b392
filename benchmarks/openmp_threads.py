"""Sets OMP_NUM_THREADS from the command line's --threads, for the PyTorch scripts; import it before torch.

OpenMP reads its thread count once, when torch is loaded: with torch.set_num_threads alone, oneDNN's
convolutions ran up to 3x slower on these 2-core machines than with OMP_NUM_THREADS set too. A value the
caller set is kept. (OMP_WAIT_POLICY: PASSIVE made the mlp step 58 ms against 44-45 ms with the default or
ACTIVE, 2026-12-05; left to the default.)
"""
import os
import sys


def threads_argument(default=2):
    """The value of --threads on the command line, read before argparse runs."""
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return str(default)


os.environ.setdefault("OMP_NUM_THREADS", threads_argument())
