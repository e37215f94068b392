// The data movement around the matrix products of conv2d and convTranspose2d (the products themselves are
// gemm.cu's sgemm), as the engine's Conv2dKernels does them. With K = C·KH·KW and P = OH·OW, the im2col
// matrix col [K × N·P] of an image batch [N, C, H, W] has a row per kernel tap (c, ky, kx) and a column
// per output pixel (n, oy, ox), holding the input pixel that tap reads there (0 in the padding). Then
//
//   convolution          out' [O × N·P] = W [O × K] · col                      (im2col, sgemm)
//   weight gradient      dW [O × K]    += out' · colᵀ                           (im2col, sgemm)
//   adjoint (convᵀ)      image          = col2im(Wᵀ · out')                      (sgemm, col2im)
//
// where out' is the output [N, O, P] with its two leading dimensions swapped (swap_leading). The adjoint is
// both the input gradient of a convolution and the forward of a transposed one.
//
// Every kernel gives each thread one element to write and reads what it needs (a gather), so no two
// threads write the same place and every sum runs in a fixed order: no atomics, the same bits every run.

// ConvGeometry's fields, in its order (CudaKernels passes them as one int[]). Output pixel (oy, ox) reads
// the window whose top-left corner is (oy·stride_h − pad_top, ox·stride_w − pad_left).
struct ConvGeometry {
    int batch, channels, height, width;
    int out_channels, kernel_h, kernel_w;
    int stride_h, stride_w, pad_top, pad_left;
    int out_h, out_w;
};

// col[(c·KH + ky)·KW + kx][(n·OH + oy)·OW + ox] = image[n, c, oy·stride_h − pad_top + ky, ox·stride_w − pad_left + kx],
// 0 outside the image.
extern "C" __global__ void im2col(const float* image, float* col, ConvGeometry g)
{
    int taps = g.kernel_h * g.kernel_w, p = g.out_h * g.out_w, cols = g.batch * p;
    int total = g.channels * taps * cols;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        int row = i / cols, column = i % cols;
        int c = row / taps, ky = row % taps / g.kernel_w, kx = row % g.kernel_w;
        int n = column / p, oy = column % p / g.out_w, ox = column % g.out_w;
        int y = oy * g.stride_h - g.pad_top + ky, x = ox * g.stride_w - g.pad_left + kx;
        bool inside = y >= 0 && y < g.height && x >= 0 && x < g.width;
        col[i] = inside ? image[((n * g.channels + c) * g.height + y) * g.width + x] : 0.0f;
    }
}

// The output index along an axis whose window, started at out·stride − pad, puts tap k on input index i;
// −1 when there is none (i is between two windows' positions of that tap, or outside every window).
__device__ __forceinline__ int window_at(int i, int k, int stride, int pad, int out)
{
    int t = i + pad - k;
    if (t < 0 || t % stride != 0 || t / stride >= out) return -1;
    return t / stride;
}

// image[n, c, y, x] (+)= bias[c] + Σ over the taps (ky, kx) that read pixel (y, x) of col's entry there:
// the adjoint of im2col, each pixel summing its own entries in tap order. bias may be null.
extern "C" __global__ void col2im(const float* col, const float* bias, float* image, ConvGeometry g, int accumulate)
{
    int p = g.out_h * g.out_w, cols = g.batch * p, plane = g.height * g.width;
    int total = g.batch * g.channels * plane;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        int n = i / plane / g.channels, c = i / plane % g.channels, y = i % plane / g.width, x = i % g.width;
        float s = bias ? bias[c] : 0.0f;
        for (int ky = 0; ky < g.kernel_h; ky++) {
            int oy = window_at(y, ky, g.stride_h, g.pad_top, g.out_h);
            if (oy < 0) continue;
            for (int kx = 0; kx < g.kernel_w; kx++) {
                int ox = window_at(x, kx, g.stride_w, g.pad_left, g.out_w);
                if (ox < 0) continue;
                int row = (c * g.kernel_h + ky) * g.kernel_w + kx;
                s += col[row * cols + n * p + oy * g.out_w + ox];
            }
        }
        image[i] = accumulate ? image[i] + s : s;
    }
}

// out[j][i][e] (+)= in[i][j][e] + bias[i] for in [a, b, plane] and out [b, a, plane]: an image batch
// [N, C, P] to channels outermost [C, N, P] and back (bias may be null: 0).
extern "C" __global__ void swap_leading(const float* in, const float* bias, float* out, int a, int b, int plane, int accumulate)
{
    int total = a * b * plane;
    for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < total; o += blockDim.x * gridDim.x) {
        int j = o / plane / a, i = o / plane % a, e = o % plane;
        float v = in[(i * b + j) * plane + e] + (bias ? bias[i] : 0.0f);
        out[o] = accumulate ? out[o] + v : v;
    }
}
