// Matrix products for matmul and linear: the general GEMM, a linear layer's forward with its epilogue, and
// the column sums of its bias gradient.

// A block computes a TILE × TILE tile of C with THREADS × THREADS threads, each thread a
// PER_THREAD × PER_THREAD grid of it.
#define TILE 64
#define TILE_K 16
#define THREADS 16
#define PER_THREAD (TILE / THREADS)

// Element (r, c) of op(X), where X is row-major with leading dimension ld and op(X) has rows × cols
// elements (X itself, or Xᵀ when trans); 0 outside, so that partial tiles need no other special case.
__device__ __forceinline__ float load_op(const float* X, int ld, int trans, int r, int c, int rows, int cols)
{
    if (r >= rows || c >= cols) return 0.0f;
    return trans ? X[c * ld + r] : X[r * ld + c];
}

// The block's TILE × TILE tile of op(A)·op(B), op(A) [m×k] and op(B) [k×n], each of its elements inside
// the m × n result handed to store(r, c, value): the kernels below differ only in what they store. All
// matrices are row-major; lda and ldb are the distances between their rows, and op(X) = Xᵀ when X's
// trans flag is set, read in place (no transposed copy is made). Any m, n, k work.
//
// The block walks k in steps of TILE_K. At each step it copies a TILE × TILE_K slice of op(A) and a
// TILE_K × TILE slice of op(B) into shared memory, then every thread multiplies out its part of the two
// slices into registers: each value it reads from shared memory serves PER_THREAD products. Thread
// (tx, ty) holds the elements at rows ty + 16·i and columns tx + 16·j of the tile, so neighbouring
// threads read neighbouring words of shared memory and write neighbouring words of the result.
// Launch with a THREADS × THREADS block on a ceil(n / TILE) × ceil(m / TILE) grid.
template <class Store>
__device__ __forceinline__ void gemm_tile(int trans_a, int trans_b, int m, int n, int k,
                                          const float* A, int lda, const float* B, int ldb, Store store)
{
    // As[kk][r] = op(A)[row0 + r][k0 + kk], Bs[kk][c] = op(B)[k0 + kk][col0 + c]. The extra column
    // spreads the stores of a column over all the memory banks.
    __shared__ float As[TILE_K][TILE + 1];
    __shared__ float Bs[TILE_K][TILE + 1];
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int row0 = blockIdx.y * TILE;
    int col0 = blockIdx.x * TILE;
    float acc[PER_THREAD][PER_THREAD] = {};

    for (int k0 = 0; k0 < k; k0 += TILE_K) {
        // Each thread copies TILE · TILE_K / (THREADS · THREADS) elements of each slice. Neighbouring
        // threads take neighbouring elements of global memory: along a row of X, whichever way op reads it.
        for (int e = ty * THREADS + tx; e < TILE * TILE_K; e += THREADS * THREADS) {
            int r = trans_a ? e % TILE : e / TILE_K;
            int kk = trans_a ? e / TILE : e % TILE_K;
            As[kk][r] = load_op(A, lda, trans_a, row0 + r, k0 + kk, m, k);
            int c = trans_b ? e / TILE_K : e % TILE;
            kk = trans_b ? e % TILE_K : e / TILE;
            Bs[kk][c] = load_op(B, ldb, trans_b, k0 + kk, col0 + c, k, n);
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TILE_K; kk++) {
            float a[PER_THREAD], b[PER_THREAD];
#pragma unroll
            for (int i = 0; i < PER_THREAD; i++) {
                a[i] = As[kk][ty + i * THREADS];
                b[i] = Bs[kk][tx + i * THREADS];
            }
#pragma unroll
            for (int i = 0; i < PER_THREAD; i++)
#pragma unroll
                for (int j = 0; j < PER_THREAD; j++)
                    acc[i][j] += a[i] * b[j];
        }
        __syncthreads();   // everyone is done with the slices before the next step overwrites them
    }

#pragma unroll
    for (int i = 0; i < PER_THREAD; i++) {
#pragma unroll
        for (int j = 0; j < PER_THREAD; j++) {
            int r = row0 + ty + i * THREADS;
            int c = col0 + tx + j * THREADS;
            if (r < m && c < n) store(r, c, acc[i][j]);
        }
    }
}

// C[m×n] = alpha·op(A)·op(B), or C += alpha·op(A)·op(B) when accumulate: the engine's Gemm.gemm on the
// GPU; ldc is the distance between C's rows.
extern "C" __global__ void sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
                                 const float* A, int lda, const float* B, int ldb,
                                 float* C, int ldc, int accumulate)
{
    gemm_tile(trans_a, trans_b, m, n, k, A, lda, B, ldb, [&](int r, int c, float product) {
        float v = alpha * product;
        C[r * ldc + c] = accumulate ? C[r * ldc + c] + v : v;
    });
}

// A linear layer's forward in one launch, t = X[m×k]·W[n×k]ᵀ followed by its per-column epilogue
// y = t·scale[c] + shift[c] and a leaky ReLU of the slope (1: none), each product written once:
// the bias of a plain linear (scale null: 1), or a weight-normalised layer's g/‖v‖, bias and activation.
// T, when not null, keeps t for the backward pass; shift may be null (0). T and Y are m × n, rows n
// apart. The same numbers as sgemm followed by normalization.cu's channel_affine.
extern "C" __global__ void linear_forward(int m, int n, int k, const float* X, const float* W,
                                          const float* scale, const float* shift, float slope, float* T, float* Y)
{
    gemm_tile(0, 1, m, n, k, X, k, W, k, [&](int r, int c, float t) {
        if (T) T[r * n + c] = t;
        float b = shift ? shift[c] : 0.0f;
        float z = scale ? fmaf(t, scale[c], b) : t + b;   // channel_affine's rounding
        Y[r * n + c] = z > 0.0f ? z : slope * z;
    });
}

// target[c] += the sum of column c of g (rows × cols): the bias gradient of linear. One thread per column
// adds its rows in order; neighbouring threads read neighbouring words of each row.
extern "C" __global__ void add_column_sums(const float* g, float* target, int rows, int cols)
{
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < cols; c += blockDim.x * gridDim.x) {
        float s = 0.0f;
        for (int r = 0; r < rows; r++)
            s += g[r * cols + c];
        target[c] += s;
    }
}
