// The normalisation layers' kernels. Per channel of x [N, C, HW] (HW = 1 for [N, C]): batch
// normalisation and the weight-normalised layers' output scale and shift, each with a leaky ReLU fused
// in (slope 1: none), as the engine's Normalization and BatchNormKernels do them. Per row of a weight:
// its norm, for weight normalisation.
//
// A channel's sums run over its N·HW values in one block, accumulated in double like the cpu's, and
// added up by block_sum in a fixed order. The per-channel constants in between (scale, shift, the
// gradient's coefficients) are small kernels of one thread per channel, in Normalization's arithmetic.
#include "block_sum.cuh"

// Where value e (of the N·HW) of channel ch lies in x.
__device__ __forceinline__ int channel_index(int e, int ch, int c, int hw)
{
    return (e / hw * c + ch) * hw + e % hw;
}

// The gradient through the fused leaky ReLU: dy where its output `gate` was positive, slope·dy elsewhere.
// With no activation the caller passes dy itself as the gate and slope 1, and this is dy.
__device__ __forceinline__ float gated(float dy, float gate, float slope)
{
    return gate > 0.0f ? dy : slope * dy;
}

// mean[ch] and the biased var[ch] of each channel, in two passes (the squares of x − mean, not x² − mean²).
// One block per channel, blocks striding over channels; launch with BLOCK_SUM_THREADS threads.
extern "C" __global__ void channel_moments(const float* x, int n, int c, int hw, float* mean, float* var)
{
    int count = n * hw;
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double s = 0.0;
        for (int e = threadIdx.x; e < count; e += blockDim.x) s += x[channel_index(e, ch, c, hw)];
        double m = block_sum(s) / count;
        double squares = 0.0;
        for (int e = threadIdx.x; e < count; e += blockDim.x) {
            double d = x[channel_index(e, ch, c, hw)] - m;
            squares += d * d;
        }
        squares = block_sum(squares);
        if (threadIdx.x == 0) {
            mean[ch] = (float) m;
            var[ch] = (float) (squares / count);
        }
    }
}

// inv_std = 1/sqrt(var + eps), scale = γ·inv_std and shift = β − mean·scale per channel, so that the
// normalised output is x·scale + shift; γ and β may be null (1 and 0). Mean and var are the batch's in
// training and the running ones in eval.
extern "C" __global__ void batch_norm_coefficients(const float* mean, const float* var, const float* gamma, const float* beta,
                                                   float eps, int c, float* inv_std, float* scale, float* shift)
{
    for (int ch = blockIdx.x * blockDim.x + threadIdx.x; ch < c; ch += blockDim.x * gridDim.x) {
        float is = (float) (1.0 / sqrt((double) var[ch] + (double) eps));
        float s = (gamma ? gamma[ch] : 1.0f) * is;
        inv_std[ch] = is;
        scale[ch] = s;
        shift[ch] = (beta ? beta[ch] : 0.0f) - mean[ch] * s;
    }
}

// PyTorch's update of the running statistics: running = (1 − momentum)·running + momentum·batch, with
// the unbiased variance count/(count − 1)·var for running_var.
extern "C" __global__ void update_running_stats(float* running_mean, float* running_var, const float* mean, const float* var,
                                                float momentum, int count, int c)
{
    double unbiased = (double) count / (count - 1);
    for (int ch = blockIdx.x * blockDim.x + threadIdx.x; ch < c; ch += blockDim.x * gridDim.x) {
        running_mean[ch] = (1.0f - momentum) * running_mean[ch] + momentum * mean[ch];
        running_var[ch] = (float) ((1.0f - momentum) * running_var[ch] + momentum * var[ch] * unbiased);
    }
}

// y = x·scale[ch] + shift[ch] (shift may be null: 0), then the leaky ReLU; total = N·C·HW.
extern "C" __global__ void channel_affine(const float* x, const float* scale, const float* shift, float slope, float* y,
                                          int c, int hw, int total)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        int ch = i / hw % c;
        float z = fmaf(x[i], scale[ch], shift ? shift[ch] : 0.0f);   // one rounding, as linear_forward's epilogue
        y[i] = z > 0.0f ? z : slope * z;
    }
}

// sum_dy[ch] = Σ g and sum_dy_centered[ch] = Σ g·(x − center[ch]) over each channel, g the gradient
// through the activation; center may be null (0), which makes the second Σ g·x. One block per channel.
extern "C" __global__ void channel_gradient_sums(const float* dy, const float* gate, float slope, const float* x, const float* center,
                                                 int n, int c, int hw, float* sum_dy, float* sum_dy_centered)
{
    int count = n * hw;
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        float m = center ? center[ch] : 0.0f;
        double s = 0.0, sc = 0.0;
        for (int e = threadIdx.x; e < count; e += blockDim.x) {
            int i = channel_index(e, ch, c, hw);
            float g = gated(dy[i], gate[i], slope);
            s += g;
            sc += (double) g * (x[i] - m);
        }
        s = block_sum(s);
        sc = block_sum(sc);
        if (threadIdx.x == 0) {
            sum_dy[ch] = (float) s;
            sum_dy_centered[ch] = (float) sc;
        }
    }
}

// The training gradient dx = scale·(g − mean(g) − x̂·mean(g·x̂)), x̂ = (x − mean)·inv_std, written as
// dx = scale·g + b·x + k per channel (see Normalization.batchNorm): b and k from the channel's sums.
extern "C" __global__ void batch_norm_gradient_coefficients(const float* sum_dy, const float* sum_dy_centered, const float* scale,
                                                            const float* inv_std, const float* mean, int count, int c,
                                                            float* b, float* k)
{
    for (int ch = blockIdx.x * blockDim.x + threadIdx.x; ch < c; ch += blockDim.x * gridDim.x) {
        double mean_dy = sum_dy[ch] / (double) count;
        double mean_dy_xhat = sum_dy_centered[ch] * (double) inv_std[ch] / count;
        double bc = -(double) scale[ch] * inv_std[ch] * mean_dy_xhat;
        b[ch] = (float) bc;
        k[ch] = (float) (-scale[ch] * mean_dy - bc * mean[ch]);
    }
}

// dx += a[ch]·g + b[ch]·x + k[ch] (or = when not accumulate), g the gradient through the activation; b and k
// may be null (0).
extern "C" __global__ void channel_combine(const float* dy, const float* gate, float slope, const float* x, const float* a,
                                           const float* b, const float* k, float* dx, int c, int hw, int total, int accumulate)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        int ch = i / hw % c;
        float v = a[ch] * gated(dy[i], gate[i], slope);
        if (b) v = v + b[ch] * x[i] + k[ch];
        dx[i] = accumulate ? dx[i] + v : v;
    }
}

// norms[r] = sqrt(Σ_j v[r][j]²) for each row of v [rows × cols]: a weight-normalised layer's ‖v‖ per
// output unit. One block per row, blocks striding over rows; launch with BLOCK_SUM_THREADS threads.
extern "C" __global__ void row_norms(const float* v, float* norms, int rows, int cols)
{
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        float s = 0.0f;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            float a = v[r * cols + j];
            s += a * a;
        }
        s = block_sum(s);
        if (threadIdx.x == 0) norms[r] = sqrtf(s);
    }
}

// dv[r][j] += g[r]/norms[r] · v[r][j] (0 for a zero row): ∂‖v_r‖/∂v_r = v_r/‖v_r‖.
extern "C" __global__ void row_norms_backward(const float* v, const float* norms, const float* g, float* dv, int rows, int cols)
{
    int n = rows * cols;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        int r = i / cols;
        float a = norms[r] > 0.0f ? g[r] / norms[r] : 0.0f;
        dv[i] += a * v[i];
    }
}
