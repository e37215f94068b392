// NumPy broadcasting on up to 4 dimensions, and its adjoint. The Java side merges neighbouring dimensions
// that broadcast alike, right-aligns every shape to 4 dimensions (padding with 1s on the left) and gives
// each operand a stride per dimension, 0 along the dimensions it is stretched over: then one index
// computation serves every case.
#include "binary_op.cuh"
#include "block_sum.cuh"

// Four sizes or strides, passed by value.
struct Dims4 {
    int d[4];
};

// The offset of element `index` of an array of the given sizes (row-major, last dimension fastest) in an
// array with the given strides.
__device__ __forceinline__ int offset_of(int index, Dims4 sizes, Dims4 strides)
{
    int offset = 0;
#pragma unroll
    for (int k = 3; k >= 0; k--) {
        offset += (index % sizes.d[k]) * strides.d[k];
        index /= sizes.d[k];
    }
    return offset;
}

// out = a op b, or out += a op b when accumulate; out is contiguous with n elements of the given shape.
extern "C" __global__ void broadcast_binary(int op, float* out, const float* a, const float* b, Dims4 shape,
                                            Dims4 a_strides, Dims4 b_strides, int n, int accumulate)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = apply_op(op, a[offset_of(i, shape, a_strides)], b[offset_of(i, shape, b_strides)]);
        out[i] = accumulate ? out[i] + v : v;
    }
}

// The backward of broadcasting: target += scale · (g summed over the dimensions the target was stretched
// along). The target's shape is `kept` (g's sizes, with 1 on the summed dimensions) and each of its
// target_n elements receives count elements of g, at the positions `reduced` (g's sizes on the summed
// dimensions, 1 elsewhere) spans; g_strides are g's row-major strides.
//
// One block per target element (blocks stride over them): its threads split the count elements and
// block_sum adds their partial sums in a fixed order, so the result does not vary from run to run.
// Launch with BLOCK_SUM_THREADS threads per block.
extern "C" __global__ void sum_to_shape(const float* g, float* target, Dims4 kept, Dims4 reduced, Dims4 g_strides,
                                        int target_n, int count, float scale)
{
    for (int t = blockIdx.x; t < target_n; t += gridDim.x) {
        const float* base = g + offset_of(t, kept, g_strides);
        float s = 0.0f;
        for (int j = threadIdx.x; j < count; j += blockDim.x)
            s += base[offset_of(j, reduced, g_strides)];
        s = block_sum(s);
        if (threadIdx.x == 0) target[t] += scale * s;
    }
}
