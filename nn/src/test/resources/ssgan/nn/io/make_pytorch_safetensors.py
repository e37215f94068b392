#!/usr/bin/env python3
"""Writes the safetensors test files that SafeTensorsPyTorchTest loads, from real PyTorch tensors.

The python `safetensors` package is not packaged for Debian, so the format is written here by hand,
following the specification (https://github.com/huggingface/safetensors#format) the way its reference
writer does: header keys sorted with __metadata__ first, the header padded with spaces to a multiple
of 8 bytes, tensor data in header order, little-endian.

Run from this folder with Debian's torch:  /usr/bin/python3 make_pytorch_safetensors.py
Outputs:
  pytorch_state_dict.safetensors  F32 tensors of a tiny torch.nn model plus hand-made ones
  pytorch_state_dict.json         the same values as JSON lists (tensor.tolist()), the test's expectation
  pytorch_int64.safetensors       a BatchNorm state dict as PyTorch keeps it (num_batches_tracked is I64)

The other direction (a file saved by ssgan opened in PyTorch):  /usr/bin/python3 make_pytorch_safetensors.py --read FILE
"""
import json
import struct
import sys

import torch

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.float64: "F64"}


def tensor_bytes(t):
    # numpy gives the raw bytes; force little-endian explicitly rather than trusting the host.
    a = t.detach().contiguous().cpu().numpy()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def save(path, tensors, metadata):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name in sorted(tensors):
        t = tensors[name]
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load(path):
    """A spec-following reader: returns (name -> torch tensor, metadata)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    names = {v: k for k, v in DTYPES.items()}
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = bytearray(data[begin:end])
        t = torch.frombuffer(raw, dtype=names[info["dtype"]]) if raw else torch.zeros(0, dtype=names[info["dtype"]])
        out[name] = t.reshape(info["shape"])
    return out, metadata


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--read":
        tensors, metadata = load(sys.argv[2])
        print("metadata", metadata)
        for name, t in tensors.items():
            print(name, tuple(t.shape), t.flatten()[:4].tolist())
        return

    torch.manual_seed(1234)
    model = torch.nn.Sequential()
    model.add_module("conv1", torch.nn.Conv2d(1, 2, kernel_size=3))
    model.add_module("bn1", torch.nn.BatchNorm2d(2))
    model.add_module("fc", torch.nn.Linear(4, 3))
    with torch.no_grad():
        model.bn1.running_mean.copy_(torch.tensor([0.25, -1.5]))
        model.bn1.running_var.copy_(torch.tensor([2.0, 0.125]))

    state = {k: v for k, v in model.state_dict().items() if v.dtype == torch.float32}
    state["scalar"] = torch.tensor(3.5)
    state["empty"] = torch.zeros(0, 4)
    state["arange"] = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) * 0.5 - 3.0
    state["special"] = torch.tensor([float("inf"), float("-inf"), -0.0, 1e-45, 3.4028235e38])
    save("pytorch_state_dict.safetensors", state, {"format": "pt", "producer": "torch " + torch.__version__})

    expected = {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in state.items() if k != "special"}
    with open("pytorch_state_dict.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")

    save("pytorch_int64.safetensors", dict(model.bn1.state_dict()), {"format": "pt"})


if __name__ == "__main__":
    main()
