// The sum of one value per thread over a block of BLOCK_SUM_THREADS threads, in float or in double.
#pragma once

#define BLOCK_SUM_THREADS 256

// A tree in shared memory: each level adds the upper half onto the lower half. The order of the
// additions depends only on the thread indices, never on timing, so a sum is the same on every run
// (atomicAdd on floats would not be). Every thread of the block must call it; every thread gets the sum.
template <typename T>
__device__ T block_sum(T value)
{
    __shared__ T partial[BLOCK_SUM_THREADS];
    partial[threadIdx.x] = value;
    __syncthreads();
    for (int half = BLOCK_SUM_THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    T total = partial[0];
    __syncthreads();   // everyone has read partial[0] before a next call overwrites it
    return total;
}
