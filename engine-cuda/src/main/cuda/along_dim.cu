// Ops along one dimension of x seen as [outer, n, inner]: each of the outer·inner rows holds n values,
// inner apart (the engine's AlongDim and Reductions). The softmax family, argmax, and cross-entropy on
// logits [N, K]. One thread per row: the rows here are short (a model's class logits), and a thread
// that owns its row needs no shared memory and adds in a fixed order.

// The first value of row r.
__device__ __forceinline__ int row_start(int r, int n, int inner)
{
    return r / inner * n * inner + r % inner;
}

// log Σ exp(x) over a row, shifted by its maximum so that nothing overflows; a row whose maximum is
// infinite gives that maximum. The arithmetic of the engine's Reduce.rowLogSumExp: each exp in double,
// the sum rounded to float, its log in double.
__device__ float row_log_sum_exp(const float* x, int n, int inner)
{
    float m = -INFINITY;
    for (int k = 0; k < n; k++) m = fmaxf(m, x[k * inner]);
    if (isinf(m)) return m;
    double s = 0.0;
    for (int k = 0; k < n; k++) s += exp((double) (x[k * inner] - m));
    return m + (float) log((double) (float) s);
}

// lse[r] = log Σ exp(x) over row r.
extern "C" __global__ void log_sum_exp(const float* x, float* lse, int outer, int n, int inner)
{
    int rows = outer * inner;
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += blockDim.x * gridDim.x)
        lse[r] = row_log_sum_exp(x + row_start(r, n, inner), n, inner);
}

// y = x − lse(row): log_softmax; or, when exponentiate, y = exp(x − lse(row)): softmax.
extern "C" __global__ void softmax(const float* x, float* y, int outer, int n, int inner, int exponentiate)
{
    int rows = outer * inner;
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += blockDim.x * gridDim.x) {
        int at = row_start(r, n, inner);
        float lse = row_log_sum_exp(x + at, n, inner);
        for (int k = 0; k < n; k++) {
            float d = x[at + k * inner] - lse;
            y[at + k * inner] = exponentiate ? (float) exp((double) d) : d;
        }
    }
}

#define OF_LOG_SUM_EXP 0
#define OF_SOFTMAX 1
#define OF_LOG_SOFTMAX 2

// The three backward rules, dx += ..., each per row:
//   of log_sum_exp  (v = x, lse and g per row):  exp(x − lse)·g
//   of softmax      (v = y, g per value):         y·g − y·Σ y·g
//   of log_softmax  (v = y, g per value):         g − exp(y)·Σ g
extern "C" __global__ void softmax_backward(int of, const float* v, const float* lse, const float* g, float* dx,
                                            int outer, int n, int inner)
{
    int rows = outer * inner;
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += blockDim.x * gridDim.x) {
        int at = row_start(r, n, inner);
        if (of == OF_LOG_SUM_EXP) {
            for (int k = 0; k < n; k++) {
                int i = at + k * inner;
                dx[i] += (float) exp((double) (v[i] - lse[r])) * g[r];
            }
            continue;
        }
        float sum = 0.0f;   // Σ y·g, or Σ g
        for (int k = 0; k < n; k++) {
            int i = at + k * inner;
            sum += of == OF_SOFTMAX ? v[i] * g[i] : g[i];
        }
        for (int k = 0; k < n; k++) {
            int i = at + k * inner;
            if (of == OF_SOFTMAX) {
                float yg = v[i] * g[i];
                dx[i] += yg - v[i] * sum;
            } else {
                dx[i] += g[i] - (float) exp((double) v[i]) * sum;
            }
        }
    }
}

// The index of each row's maximum, as a float (exact up to 2^24): the first of equal ones, and any
// number before NaN, as AlongDim.max picks it.
extern "C" __global__ void argmax(const float* x, float* index, int outer, int n, int inner)
{
    int rows = outer * inner;
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += blockDim.x * gridDim.x) {
        const float* row = x + row_start(r, n, inner);
        int best = 0;
        float best_value = row[0];
        for (int k = 1; k < n; k++) {
            float v = row[k * inner];
            if (v > best_value || (isnan(best_value) && !isnan(v))) {
                best = k;
                best_value = v;
            }
        }
        index[r] = (float) best;
    }
}

// loss[r] = lse − (on_label·x[label] + uniform·Σ x) for each row r of logits x [rows × k]: the row's
// cross-entropy against the smoothed target (1 − ε)·onehot + ε/K, with on_label = 1 − ε and uniform = ε/K
// (Losses.crossEntropy). The labels are ints.
extern "C" __global__ void cross_entropy(const float* x, const int* labels, float on_label, float uniform, int rows, int k, float* loss)
{
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += blockDim.x * gridDim.x) {
        const float* row = x + r * k;
        float sum = 0.0f;
        if (uniform != 0.0f) {
            for (int j = 0; j < k; j++) sum += row[j];
        }
        float target_dot_x = on_label * row[labels[r]] + uniform * sum;
        loss[r] = (float) ((double) row_log_sum_exp(row, k, 1) - target_dot_x);
    }
}

// dx += (softmax(x) − target)·g[0]/rows per row: (exp(x − lse) − uniform − on_label·[j = label])·g[0]/rows.
extern "C" __global__ void cross_entropy_backward(const float* x, const int* labels, const float* g, float on_label, float uniform,
                                                  int rows, int k, float* dx)
{
    float a = g[0] / rows;
    for (int r = blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += blockDim.x * gridDim.x) {
        const float* row = x + r * k;
        float lse = row_log_sum_exp(row, k, 1);
        for (int j = 0; j < k; j++) {
            float p = (float) exp((double) (row[j] - lse)) - uniform;
            if (j == labels[r]) p -= on_label;
            dx[r * k + j] += a * p;
        }
    }
}
