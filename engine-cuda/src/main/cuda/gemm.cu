// Matrix products for matmul and linear, and the two small kernels linear adds around them.

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

// C[m×n] = alpha·op(A)·op(B), or C += alpha·op(A)·op(B) when accumulate: the engine's Gemm.gemm on the
// GPU. All matrices are row-major; lda, ldb and ldc are the distances between their rows, and op(X) = Xᵀ
// when X's trans flag is set, read in place (no transposed copy is made). Any m, n, k work.
//
// The block walks k in steps of TILE_K. At each step it copies a TILE × TILE_K slice of op(A) and a
// TILE_K × TILE slice of op(B) into shared memory, then every thread multiplies out its part of the two
// slices into registers: each value it reads from shared memory serves PER_THREAD products. A thread's
// elements are THREADS apart (rows ty, ty + 16, ...; columns tx, tx + 16, ...), so neighbouring threads
// read neighbouring words of shared memory and write neighbouring words of C.
// Launch with a THREADS × THREADS block on a ceil(n / TILE) × ceil(m / TILE) grid.
extern "C" __global__ void sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
                                 const float* A, int lda, const float* B, int ldb,
                                 float* C, int ldc, int accumulate)
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
            if (r < m && c < n) {
                float v = alpha * acc[i][j];
                C[r * ldc + c] = accumulate ? C[r * ldc + c] + v : v;
            }
        }
    }
}

// out[r][c] += bias[c] for an out of rows × cols: linear's bias, added to every row.
extern "C" __global__ void add_bias_rows(float* out, const float* bias, int rows, int cols)
{
    int n = rows * cols;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        out[i] += bias[i % cols];
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
