// The element-wise functions of the unary kernels, numbered as the engine's UnaryOp constants (their
// ordinals). Each value is worked out in double and rounded once, as UnaryOp does with StrictMath, and
// each derivative reads x or y = f(x) as UnaryOp's does.
#pragma once

#define OP_EXP 0
#define OP_LOG 1
#define OP_SQRT 2
#define OP_ABS 3
#define OP_TANH 4
#define OP_SIGMOID 5
#define OP_SOFTPLUS 6

__device__ __forceinline__ float unary_value(int op, float x)
{
    double d = x;
    switch (op) {
    case OP_EXP:     return (float) exp(d);
    case OP_LOG:     return (float) log(d);
    case OP_SQRT:    return sqrtf(x);
    case OP_ABS:     return fabsf(x);
    case OP_TANH:    return (float) tanh(d);
    case OP_SIGMOID: return (float) (1.0 / (1.0 + exp(-d)));
    default:         return (float) (fmax(d, 0.0) + log1p(exp(-fabs(d))));   // softplus, stable both ways
    }
}

__device__ __forceinline__ float unary_derivative(int op, float x, float y)
{
    switch (op) {
    case OP_EXP:     return y;
    case OP_LOG:     return 1.0f / x;
    case OP_SQRT:    return 0.5f / y;
    case OP_ABS:     return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x;   // the sign; 0 at the kink
    case OP_TANH:    return 1.0f - y * y;
    case OP_SIGMOID: return y * (1.0f - y);
    default:         return unary_value(OP_SIGMOID, x);                 // softplus' = sigmoid
    }
}
