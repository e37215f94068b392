// One Adam step over a list of tensors in a single launch: row blockIdx.y of the grid takes tensor
// blockIdx.y, and its blocks stride over that tensor's elements. One launch instead of one per parameter
// tensor matters for a network with many small tensors (biases, batch-norm weights), where each launch
// would do too little work to hide its own cost.
//
// The arithmetic is nn's AdamKernel (PyTorch's Adam and AdamW), with the step's constants computed on the
// host (the bias corrections in double precision):
//   g = grad + l2·p
//   m = β1·m + (1−β1)·g
//   v = β2·v + (1−β2)·g²
//   p = p·decay − stepSize·m / (sqrt(v·invBiasCorrection2 + epsInside) + epsOutside)
// where exactly one of the two epsilons is non-zero: PyTorch puts eps outside the square root.

// The step's constants, in the order of nn's AdamKernel.Coefficients.
struct AdamCoefficients {
    float beta1, one_minus_beta1, beta2, one_minus_beta2;
    float l2, decay, step_size, inv_bias_correction2, eps_inside, eps_outside;
};

// params, grads, exp_avgs and exp_avg_sqs hold one device pointer per tensor, sizes its element count.
extern "C" __global__ void adam(float* const* params, const float* const* grads, float* const* exp_avgs,
                                float* const* exp_avg_sqs, const int* sizes, AdamCoefficients c)
{
    int t = blockIdx.y;
    float* p = params[t];
    const float* grad = grads[t];
    float* m = exp_avgs[t];
    float* v = exp_avg_sqs[t];
    int n = sizes[t];
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float pi = p[i];
        float g = grad[i] + c.l2 * pi;
        float mi = c.beta1 * m[i] + c.one_minus_beta1 * g;
        float vi = c.beta2 * v[i] + c.one_minus_beta2 * g * g;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi * c.inv_bias_correction2 + c.eps_inside) + c.eps_outside;
        p[i] = pi * c.decay - c.step_size * mi / denom;
    }
}
