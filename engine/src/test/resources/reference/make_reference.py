#!/usr/bin/python3
"""Reference values from PyTorch for the convolution, batch-norm and resize ops.

Run from this folder with Debian's python3-torch (apt-get install -y python3-torch):
    /usr/bin/python3 make_reference.py
It writes one text file per case, <case>.txt, which ReferenceTest (Java) reads; the tests themselves
never need Python. Format, per tensor, two lines:
    <name> <dim0> <dim1> ...
    <value> <value> ...          (row-major, float32 printed with 9 significant digits: exact round trip)
Lines starting with '#' are comments. Gradients come from autograd with the upstream gradient 'dy'.
"""
import torch
import torch.nn.functional as F

torch.manual_seed(20240611)
torch.set_default_dtype(torch.float32)


def write(case, comment, tensors):
    with open(case + ".txt", "w") as f:
        f.write("# " + comment + "\n")
        for name, t in tensors:
            t = t.detach().contiguous().float()
            f.write(name + " " + " ".join(str(d) for d in t.shape) + "\n")
            f.write(" ".join("%.9g" % v for v in t.flatten().tolist()) + "\n")


def grads(y, *inputs):
    dy = torch.randn_like(y)
    return dy, torch.autograd.grad(y, inputs, dy)


def conv2d_tf_same():
    # TensorFlow SAME, stride 2, 5x5, on 9x8: out 5x4; pad rows 2/2, columns 1/2 (extra at the right).
    x = torch.randn(2, 3, 9, 8, requires_grad=True)
    w = torch.randn(4, 3, 5, 5, requires_grad=True)
    b = torch.randn(4, requires_grad=True)
    y = F.conv2d(F.pad(x, (1, 2, 2, 2)), w, b, stride=2)
    dy, (dx, dw, db) = grads(y, x, w, b)
    write("conv2d_same", "conv2d stride 2 TensorFlow SAME = F.pad(left 1, right 2, top 2, bottom 2) then conv2d",
          [("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy), ("dx", dx), ("dw", dw), ("db", db)])


def conv2d_valid():
    x = torch.randn(3, 5, 7, 6, requires_grad=True)
    w = torch.randn(6, 5, 3, 3, requires_grad=True)
    y = F.conv2d(x, w, None, stride=1)
    dy, (dx, dw) = grads(y, x, w)
    write("conv2d_valid", "conv2d stride 1 VALID, no bias", [("x", x), ("w", w), ("y", y), ("dy", dy), ("dx", dx), ("dw", dw)])


def conv_transpose2d_tf_same():
    # The generator's layer: 5x5, stride 2, TensorFlow SAME (out = 2 * in). TF removes 1 row/column at the
    # top/left and 2 at the bottom/right of the full (in-1)*2+5 output: PyTorch padding=1, then drop the last.
    x = torch.randn(2, 4, 3, 3, requires_grad=True)
    w = torch.randn(4, 3, 5, 5, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    y = F.conv_transpose2d(x, w, b, stride=2, padding=1)[:, :, :-1, :-1]
    dy, (dx, dw, db) = grads(y, x, w, b)
    write("conv_transpose2d_same", "conv_transpose2d 5x5 stride 2 TensorFlow SAME = padding 1 then drop last row/column",
          [("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy), ("dx", dx), ("dw", dw), ("db", db)])


def conv_transpose2d_output_padding():
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    y = F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    dy, (dx, dw, db) = grads(y, x, w, b)
    write("conv_transpose2d_output_padding", "conv_transpose2d 3x3 stride 2 padding 1 output_padding 1",
          [("x", x), ("w", w), ("b", b), ("y", y), ("dy", dy), ("dx", dx), ("dw", dw), ("db", db)])


def batch_norm(case, shape):
    # Three training steps (the last one with gradients), then eval on a fresh input.
    c = shape[1]
    gamma = (torch.rand(c) + 0.5).requires_grad_(True)
    beta = torch.randn(c).requires_grad_(True)
    running_mean, running_var = torch.zeros(c), torch.ones(c)
    tensors = [("gamma", gamma), ("beta", beta)]
    for step in range(3):
        x = (torch.randn(*shape) * 2 + 3).requires_grad_(True)
        y = F.batch_norm(x, running_mean, running_var, gamma, beta, training=True, momentum=0.1, eps=1e-5)
        tensors += [("x%d" % step, x), ("y%d" % step, y)]
    dy, (dx, dgamma, dbeta) = grads(y, x, gamma, beta)
    x_eval = (torch.randn(*shape) * 2 + 3).requires_grad_(True)
    y_eval = F.batch_norm(x_eval, running_mean, running_var, gamma, beta, training=False, eps=1e-5)
    dy_eval, (dx_eval, dgamma_eval, dbeta_eval) = grads(y_eval, x_eval, gamma, beta)
    tensors += [("dy", dy), ("dx", dx), ("dgamma", dgamma), ("dbeta", dbeta),
                ("running_mean", running_mean), ("running_var", running_var),
                ("x_eval", x_eval), ("y_eval", y_eval), ("dy_eval", dy_eval), ("dx_eval", dx_eval),
                ("dgamma_eval", dgamma_eval), ("dbeta_eval", dbeta_eval)]
    write(case, "batch_norm momentum 0.1 eps 1e-5: three training steps x0..x2 (gradients of the last), then eval", tensors)


def bilinear(case, shape, size):
    x = torch.randn(*shape, requires_grad=True)
    y = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
    dy, (dx,) = grads(y, x)
    write(case, "interpolate bilinear align_corners=False to %dx%d" % size, [("x", x), ("y", y), ("dy", dy), ("dx", dx)])


if __name__ == "__main__":
    conv2d_tf_same()
    conv2d_valid()
    conv_transpose2d_tf_same()
    conv_transpose2d_output_padding()
    batch_norm("batch_norm_2d", (2, 6, 5, 5))   # name: F.batch_norm on images (BatchNorm2d)
    batch_norm("batch_norm_1d", (8, 5))
    bilinear("bilinear_down", (1, 2, 32, 32), (28, 28))
    bilinear("bilinear_up", (2, 3, 5, 7), (9, 12))
