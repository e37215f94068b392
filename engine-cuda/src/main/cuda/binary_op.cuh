// The four arithmetic ops of the binary kernels, numbered as the engine's BinaryOp constants (their ordinals).
#pragma once

#define OP_ADD 0
#define OP_SUB 1
#define OP_MUL 2
#define OP_DIV 3

// Every thread of a launch gets the same op, so the switch costs no divergence.
__device__ __forceinline__ float apply_op(int op, float x, float y)
{
    switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    default:     return x / y;
    }
}
