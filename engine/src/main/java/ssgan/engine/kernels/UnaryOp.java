package ssgan.engine.kernels;

/**
 * Element-wise functions without parameters, each with its derivative. The derivative may use the input
 * {@code x} or the output {@code y = f(x)}, whichever is cheaper and more accurate (exp reuses y).
 *
 * <p>The transcendentals use StrictMath: its results are specified bit for bit (fdlibm), while Math's
 * may differ between JDK versions, CPUs, and interpreted and compiled code; a resumed run must get
 * exactly the bits of the run it continues.
 */
public enum UnaryOp {
    EXP {
        @Override
        public float apply(float x) {
            return (float) StrictMath.exp(x);
        }

        @Override
        public float derivative(float x, float y) {
            return y;
        }
    },
    LOG {
        @Override
        public float apply(float x) {
            return (float) StrictMath.log(x);
        }

        @Override
        public float derivative(float x, float y) {
            return 1f / x;
        }
    },
    SQRT {
        @Override
        public float apply(float x) {
            return (float) Math.sqrt(x);
        }

        @Override
        public float derivative(float x, float y) {
            return 0.5f / y;
        }
    },
    ABS {
        @Override
        public float apply(float x) {
            return Math.abs(x);
        }

        @Override
        public float derivative(float x, float y) {
            return Math.signum(x); // 0 at the kink, like PyTorch
        }
    },
    TANH {
        @Override
        public float apply(float x) {
            return (float) StrictMath.tanh(x);
        }

        @Override
        public float derivative(float x, float y) {
            return 1f - y * y;
        }
    },
    SIGMOID {
        @Override
        public float apply(float x) {
            return (float) (1.0 / (1.0 + StrictMath.exp(-x)));
        }

        @Override
        public float derivative(float x, float y) {
            // region exercise-sigmoid-backward (read docs/TOUR.md §5): the derivative of the logistic function, from its output y
            return y * (1f - y);
            // endregion exercise-sigmoid-backward
        }
    },
    /** log(1 + e^x), written as max(x, 0) + log1p(e^-|x|) so that neither large nor very negative x overflows. */
    SOFTPLUS {
        @Override
        public float apply(float x) {
            return (float) (Math.max(x, 0.0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x))));
        }

        @Override
        public float derivative(float x, float y) {
            return SIGMOID.apply(x);
        }
    };

    public abstract float apply(float x);

    /** df/dx at x, given also y = f(x). */
    public abstract float derivative(float x, float y);
}
