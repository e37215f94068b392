// The sum of a whole array, deterministic: in two launches of sum_blocks with fixed grids. The first
// reduces the array to one partial sum per block, the second (one block) the partials to one value.
#include "block_sum.cuh"

// partial[blockIdx.x] = scale · (the sum of the elements this block's grid-stride loop visits).
// Launch with BLOCK_SUM_THREADS threads per block; scale is 1, or 1/count in a mean's last pass.
extern "C" __global__ void sum_blocks(const float* x, float* partial, int n, float scale)
{
    float s = 0.0f;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        s += x[i];
    s = block_sum(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = scale * s;
}
