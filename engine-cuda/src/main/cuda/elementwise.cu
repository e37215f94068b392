// Kernels over contiguous arrays, one element per loop step. Each uses a grid-stride loop: thread t of T
// takes elements t, t + T, t + 2T, ..., so any n works with any grid size.
#include "binary_op.cuh"
#include "unary_op.cuh"

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

// a += t·(x − a): a step of a moving average towards x (PyTorch's lerp_).
extern "C" __global__ void lerp(float* a, const float* x, float t, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        a[i] += t * (x[i] - a[i]);
}

// out = a op b, or out += a op b when accumulate, on arrays of one shape (out may be a or b).
extern "C" __global__ void binary(int op, float* out, const float* a, const float* b, int n, int accumulate)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = apply_op(op, a[i], b[i]);
        out[i] = accumulate ? out[i] + v : v;
    }
}

// y = f(x), f the op's function (unary_op.cuh).
extern "C" __global__ void unary(int op, float* y, const float* x, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        y[i] = unary_value(op, x[i]);
}

// grad_x += f'(x)·g (or = when not accumulate), the derivative worked out from x and from the forward's output y.
extern "C" __global__ void unary_backward(int op, float* grad_x, const float* x, const float* y, const float* g, int n, int accumulate)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = unary_derivative(op, x[i], y[i]) * g[i];
        grad_x[i] = accumulate ? grad_x[i] + v : v;
    }
}

// dst[r·dst_stride + j] = src[r·src_stride + j] (or += when accumulate) for r < runs and j < run: a block
// of equal runs copied out of, or into, a wider array. Concat and narrow, and their backward.
extern "C" __global__ void copy_runs(float* dst, int dst_stride, const float* src, int src_stride, int runs, int run, int accumulate)
{
    int n = runs * run;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = src[i / run * src_stride + i % run];
        float* d = dst + i / run * dst_stride + i % run;
        *d = accumulate ? *d + v : v;
    }
}

// dst[r·row + j] = src[rows[r]·row + j] for r < n and j < row: the rows a batch picks out of a dataset that
// stays on the device (indexSelect). The source offset is 64-bit: a dataset may pass 2^31 floats.
extern "C" __global__ void gather_rows(float* dst, const float* src, const int* rows, int n, int row)
{
    int count = n * row;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += blockDim.x * gridDim.x)
        dst[i] = src[(long long) rows[i / row] * row + i % row];
}

// Images [n, planes, h, w], each moved by its own whole-pixel offset: image i by (dx, dy) = (offsets[2i],
// offsets[2i + 1]), so dst[y][x] = src[y - dy][x - dx], and background where that falls outside (the
// labelled batch's random shifts, drawn on the host).
extern "C" __global__ void shift_images(float* dst, const float* src, const int* offsets, int n, int planes, int h, int w,
                                        float background)
{
    int count = n * planes * h * w;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += blockDim.x * gridDim.x) {
        int x = i % w, y = i / w % h, image = i / (planes * h * w);
        int sx = x - offsets[2 * image], sy = y - offsets[2 * image + 1];
        dst[i] = sx >= 0 && sx < w && sy >= 0 && sy < h ? src[i + (sy - y) * w + (sx - x)] : background;
    }
}

// A source pixel of warp_images, or the background outside the plane.
__device__ double warp_pixel(const float* plane, int h, int w, int x, int y, float background)
{
    return x < 0 || y < 0 || x >= w || y >= h ? background : plane[y * w + x];
}

// Images [n, planes, h, w], each turned and scaled about its centre by its own 2 × 2 map (a, b, c, d): pixel
// (x, y) reads the source at (cx + a·u + b·v, cy + c·u + d·v), (u, v) = (x − cx, y − cy), bilinearly, and
// background outside. The maps are doubles, each passed as its low and high 32 bits. With moves (not null:
// per image an h × w plane of x parts, then one of y parts), the source is moved by the pixel's own move.
// Every step is rounded on its own (_rn intrinsics, never fused), in the order of the cpu's
// Layout.warpPlane: the same bits.
extern "C" __global__ void warp_images(float* dst, const float* src, const int* maps, const float* moves, int n, int planes,
                                       int h, int w, float background)
{
    int count = n * planes * h * w;
    double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += blockDim.x * gridDim.x) {
        int x = i % w, y = i / w % h, image = i / (planes * h * w);
        const int* m = maps + 8 * image;
        double a = __hiloint2double(m[1], m[0]), b = __hiloint2double(m[3], m[2]);
        double c = __hiloint2double(m[5], m[4]), d = __hiloint2double(m[7], m[6]);
        double u = __dsub_rn(x, cx), v = __dsub_rn(y, cy);
        double sx = __dadd_rn(__dadd_rn(__dmul_rn(a, u), __dmul_rn(b, v)), cx);
        double sy = __dadd_rn(__dadd_rn(__dmul_rn(c, u), __dmul_rn(d, v)), cy);
        if (moves != 0) {
            const float* move = moves + 2 * image * h * w + y * w + x;
            sx = __dadd_rn(sx, (double) move[0]);
            sy = __dadd_rn(sy, (double) move[h * w]);
        }
        int x0 = (int) floor(sx), y0 = (int) floor(sy);
        double fx = __dsub_rn(sx, x0), fy = __dsub_rn(sy, y0);
        const float* plane = src + (i - (y * w + x));
        double top = __dadd_rn(__dmul_rn(__dsub_rn(1.0, fx), warp_pixel(plane, h, w, x0, y0, background)),
                               __dmul_rn(fx, warp_pixel(plane, h, w, x0 + 1, y0, background)));
        double bottom = __dadd_rn(__dmul_rn(__dsub_rn(1.0, fx), warp_pixel(plane, h, w, x0, y0 + 1, background)),
                                  __dmul_rn(fx, warp_pixel(plane, h, w, x0 + 1, y0 + 1, background)));
        dst[i] = __double2float_rn(__dadd_rn(__dmul_rn(__dsub_rn(1.0, fy), top), __dmul_rn(fy, bottom)));
    }
}
