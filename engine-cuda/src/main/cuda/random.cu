// Normal samples from Philox-4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy
// as 1, 2, 3", SC 2011), a counter-based generator: the four random words for a 128-bit counter under a
// 64-bit key are a pure function philox(counter, key). Sample j of a draw depends only on the seed (the
// key), the draw's counter offset and j: no generator state lives on the device, the result is the same
// for any launch geometry, and a captured CUDA graph replays a step exactly (or draws afresh once its
// seed and offset parameters are updated).

// Ten rounds of multiply, swap and xor; the key is bumped by the Weyl constants between rounds.
__device__ uint4 philox4x32_10(uint4 counter, uint2 key)
{
#pragma unroll
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            key.x += 0x9E3779B9u;
            key.y += 0xBB67AE85u;
        }
        unsigned int lo0 = 0xD2511F53u * counter.x;
        unsigned int hi0 = __umulhi(0xD2511F53u, counter.x);
        unsigned int lo1 = 0xCD9E8D57u * counter.z;
        unsigned int hi1 = __umulhi(0xCD9E8D57u, counter.z);
        counter = make_uint4(hi1 ^ counter.y ^ key.x, lo1, hi0 ^ counter.w ^ key.y, lo0);
    }
    return counter;
}

// Box–Muller: two uniform words give two independent standard normals.
__device__ __forceinline__ float2 box_muller(unsigned int a, unsigned int b)
{
    float u1 = ((a >> 8) + 1) * 0x1p-24f;   // (0, 1], so the log is finite
    float u2 = (b >> 8) * 0x1p-24f;         // [0, 1)
    float radius = sqrtf(-2.0f * logf(u1));
    float s, c;
    sincospif(2.0f * u2, &s, &c);           // sin and cos of 2π·u2
    return make_float2(radius * c, radius * s);
}

// out[j] = x[j] + mean + std·z_j for j in [0, n), z_j standard normal; x may be null (read as 0). Each
// loop step turns the counter offset + q into the four samples 4q .. 4q+3, so a draw uses ceil(n / 4)
// counters and the next draw under the same seed starts its offset past them.
extern "C" __global__ void gaussian(float* out, const float* x, int n, float mean, float std,
                                    unsigned int seed_lo, unsigned int seed_hi, unsigned long long offset)
{
    int quads = (n + 3) / 4;
    for (int q = blockIdx.x * blockDim.x + threadIdx.x; q < quads; q += blockDim.x * gridDim.x) {
        unsigned long long c = offset + q;
        uint4 r = philox4x32_10(make_uint4((unsigned int) c, (unsigned int) (c >> 32), 0, 0),
                                make_uint2(seed_lo, seed_hi));
        float2 z01 = box_muller(r.x, r.y);
        float2 z23 = box_muller(r.z, r.w);
        float z[4] = {z01.x, z01.y, z23.x, z23.y};
        for (int lane = 0; lane < 4; lane++) {
            int j = 4 * q + lane;
            if (j < n) out[j] = (x ? x[j] : 0.0f) + mean + std * z[lane];
        }
    }
}
