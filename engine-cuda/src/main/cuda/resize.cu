// Bilinear resizing of image planes [planes, h, w] to [planes, oh, ow] and its adjoint, with the engine's
// BilinearResize convention (PyTorch's align_corners=False): output index o along an axis of in → out
// pixels reads source position src = (o + 0.5)·in/out − 0.5, clamped at 0 below, between input indices
// lo = min(floor(src), in − 1) and hi = lo + 1 (lo again at the far edge).

// One output index's two source indices and their weights along an axis: BilinearResize.Taps.
struct Tap {
    int lo, hi;
    float w_lo, w_hi;
};

__device__ __forceinline__ Tap tap_of(int o, int in, int out)
{
    float scale = (float) in / out;
    // __fmul_rn keeps the product rounded on its own, as Java rounds it: fused into an fma, src could land
    // on the other side of an integer and pick other pixels than the cpu.
    float src = fmaxf(0.0f, __fmul_rn(scale, o + 0.5f) - 0.5f);
    Tap t;
    t.lo = min((int) src, in - 1);
    t.hi = t.lo < in - 1 ? t.lo + 1 : t.lo;
    t.w_hi = src - t.lo;
    t.w_lo = 1.0f - t.w_hi;
    return t;
}

// The weight with which output index o along an axis reads input index i (0 when it does not).
__device__ __forceinline__ float weight_of(Tap t, int i)
{
    return (t.lo == i ? t.w_lo : 0.0f) + (t.hi == i ? t.w_hi : 0.0f);
}

// The first output index whose lo is at least i (out when there is none): lo never decreases as the
// output index grows, so a binary search finds it.
__device__ int first_output_from(int i, int in, int out)
{
    int a = 0, b = out;
    while (a < b) {
        int m = (a + b) / 2;
        if (tap_of(m, in, out).lo >= i) b = m;
        else a = m + 1;
    }
    return a;
}

// y[p, oy, ox] = the bilinear mix of the four input pixels around output pixel (oy, ox) of plane p.
extern "C" __global__ void bilinear(const float* x, float* y, int planes, int h, int w, int oh, int ow)
{
    int total = planes * oh * ow;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        int p = i / (oh * ow), oy = i / ow % oh, ox = i % ow;
        Tap r = tap_of(oy, h, oh), c = tap_of(ox, w, ow);
        const float* plane = x + p * h * w;
        float top = c.w_lo * plane[r.lo * w + c.lo] + c.w_hi * plane[r.lo * w + c.hi];
        float bottom = c.w_lo * plane[r.hi * w + c.lo] + c.w_hi * plane[r.hi * w + c.hi];
        y[i] = r.w_lo * top + r.w_hi * bottom;
    }
}

// dx[p, iy, ix] += Σ weight_y·weight_x·dy over the output pixels that read input pixel (iy, ix): the
// adjoint of bilinear as a gather. Those outputs have lo = i − 1 (hi = i) or lo = i along each axis, a
// run of consecutive indices, so each thread sums its own run in order: no atomics, the same bits each run.
extern "C" __global__ void bilinear_backward(const float* dy, float* dx, int planes, int h, int w, int oh, int ow)
{
    int total = planes * h * w;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        int p = i / (h * w), iy = i / w % h, ix = i % w;
        int oy0 = first_output_from(iy - 1, h, oh), oy1 = first_output_from(iy + 1, h, oh);
        int ox0 = first_output_from(ix - 1, w, ow), ox1 = first_output_from(ix + 1, w, ow);
        const float* g = dy + p * oh * ow;
        float s = 0.0f;
        for (int oy = oy0; oy < oy1; oy++) {
            float wy = weight_of(tap_of(oy, h, oh), iy);
            for (int ox = ox0; ox < ox1; ox++)
                s += wy * weight_of(tap_of(ox, w, ow), ix) * g[oy * ow + ox];
        }
        dx[i] += s;
    }
}
