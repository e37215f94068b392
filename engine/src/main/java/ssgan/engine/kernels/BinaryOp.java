package ssgan.engine.kernels;

/**
 * The four element-wise arithmetic operators. The scalar kernels call {@link #apply}; the Vector API
 * kernels map each constant to its {@code VectorOperators} counterpart.
 */
public enum BinaryOp {
    ADD {
        @Override
        public float apply(float a, float b) {
            return a + b;
        }
    },
    SUB {
        @Override
        public float apply(float a, float b) {
            return a - b;
        }
    },
    MUL {
        @Override
        public float apply(float a, float b) {
            return a * b;
        }
    },
    DIV {
        @Override
        public float apply(float a, float b) {
            return a / b;
        }
    };

    public abstract float apply(float a, float b);

    /** True when the operands may be swapped, which lets a broadcast operand on the left use a fast path. */
    public boolean commutative() {
        return this == ADD || this == MUL;
    }
}
