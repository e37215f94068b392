// Normal samples of the engine's own counter-based stream (GaussianKernel on the cpu), so that a seed
// draws the same noise on the GPU as on the cpu. Sample j depends only on the seed and j: no generator
// state lives on the device, and any launch geometry gives the same samples.
//
// Samples 2p and 2p+1 come from one 64-bit hash h = SplitMix64(seed, p) by Box–Muller: bits 9–31 of h
// give u in (0, 1] and bits 41–63 give t in [0, 1), and
//   z(2p) = sqrt(−2 ln u)·cos 2πt,   z(2p+1) = sqrt(−2 ln u)·sin 2πt,
// in double precision like the plain ScalarGaussian: the two differ only by the roundings of log and cos.

// The finaliser of seed + (p + 1)·γ: the (p+1)-th output of SplitMix64 started at seed (GaussianKernel.hash).
__device__ __forceinline__ unsigned long long splitmix64(unsigned long long seed, unsigned long long p)
{
    unsigned long long z = seed + (p + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// out[j] = x[j] + (mean + std·z(j)) for j in [0, n), rounded to float before x is added, as Rng.addGaussian
// does; x may be null (read as 0), which is Rng.fillGaussian. One pair of samples per loop step.
extern "C" __global__ void gaussian(float* out, const float* x, int n, float mean, float std, unsigned long long seed)
{
    int pairs = (n + 1) / 2;
    for (int p = blockIdx.x * blockDim.x + threadIdx.x; p < pairs; p += blockDim.x * gridDim.x) {
        unsigned long long h = splitmix64(seed, p);
        double u = 1.0 - ((h >> 9) & 0x7fffff) * 0x1p-23;   // (0, 1]: the log is finite
        double t = (h >> 41) * 0x1p-23;                     // [0, 1)
        double radius = sqrt(-2.0 * log(u));
        double s, c;
        sincospi(2.0 * t, &s, &c);   // sin and cos of 2π·t, with no argument reduction to do
        int j = 2 * p;
        out[j] = (x ? x[j] : 0.0f) + (float) (mean + std * radius * c);
        if (j + 1 < n) out[j + 1] = (x ? x[j + 1] : 0.0f) + (float) (mean + std * radius * s);
    }
}
