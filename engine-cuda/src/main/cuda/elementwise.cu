// Kernels over contiguous arrays, one element per loop step. Each uses a grid-stride loop: thread t of T
// takes elements t, t + T, t + 2T, ..., so any n works with any grid size.
#include "binary_op.cuh"

// x = value everywhere.
extern "C" __global__ void fill(float* x, float value, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        x[i] = value;
}

// y = a·x (y may be x).
extern "C" __global__ void scale(float* y, const float* x, float a, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        y[i] = a * x[i];
}

// y = x + s.
extern "C" __global__ void add_scalar(float* y, const float* x, float s, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        y[i] = x[i] + s;
}

// y += a·x[i·incx], BLAS's axpy: incx = 1 accumulates a gradient (a = 1 is target += source), and
// incx = 0 adds the single value a·x[0] to every element (the gradient of a sum).
extern "C" __global__ void axpy(float* y, const float* x, float a, int incx, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        y[i] += a * x[i * incx];
}

// out = a op b, or out += a op b when accumulate, on arrays of one shape (out may be a or b).
extern "C" __global__ void binary(int op, float* out, const float* a, const float* b, int n, int accumulate)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = apply_op(op, a[i], b[i]);
        out[i] = accumulate ? out[i] + v : v;
    }
}
