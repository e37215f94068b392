package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hot element-wise kernels with the Vector API: one {@code SPECIES_PREFERRED} vector (16 floats on
 * AVX-512) per step, the scalar twin for the tail. Kernels that are not hot (the backward of the
 * transcendentals, sqrt, abs, pow, clamp) are inherited unchanged from {@link ScalarElementwise}; so is
 * {@code binaryChannels}, which runs {@code binaryScalar} on each block, i.e. the vector loop below.
 *
 * <p>The operator of a lanewise call must be a constant where the JIT sees it, or the call is not
 * compiled to a vector instruction; hence the small switches below instead of a
 * {@code VectorOperators.Binary} passed in as a variable. The switch is on a loop-invariant value, so
 * the branch predictor makes it free.
 */
public final class VectorElementwise extends ScalarElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.lanewise(VectorOperators.ADD, b);
            case SUB -> a.lanewise(VectorOperators.SUB, b);
            case MUL -> a.lanewise(VectorOperators.MUL, b);
            case DIV -> a.lanewise(VectorOperators.DIV, b);
        };
    }

    @Override
    public void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to, boolean accumulate) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector v = apply(op, FloatVector.fromArray(S, a, i), FloatVector.fromArray(S, b, i));
            if (accumulate) v = v.add(FloatVector.fromArray(S, out, i));
            v.intoArray(out, i);
        }
        super.binary(op, a, b, out, i, to, accumulate);
    }

    @Override
    public void binaryScalar(BinaryOp op, float[] a, float s, float[] out, int from, int to, boolean accumulate) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector v = apply(op, FloatVector.fromArray(S, a, i), vs);
            if (accumulate) v = v.add(FloatVector.fromArray(S, out, i));
            v.intoArray(out, i);
        }
        super.binaryScalar(op, a, s, out, i, to, accumulate);
    }

    @Override
    public void binaryRows(BinaryOp op, float[] a, float[] row, float[] out, int cols, int rowFrom, int rowTo, boolean accumulate) {
        int bound = S.loopBound(cols);
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            int c = 0;
            for (; c < bound; c += S.length()) {
                FloatVector v = apply(op, FloatVector.fromArray(S, a, base + c), FloatVector.fromArray(S, row, c));
                if (accumulate) v = v.add(FloatVector.fromArray(S, out, base + c));
                v.intoArray(out, base + c);
            }
            for (; c < cols; c++) {
                float v = op.apply(a[base + c], row[c]);
                out[base + c] = accumulate ? out[base + c] + v : v;
            }
        }
    }

    // region leaky-relu (copied into docs/TOUR.md; DocsJavaFenceTest checks the copy)
    @Override
    public void leakyRelu(float[] x, float slope, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
            v.mul(slope).blend(v, positive).intoArray(out, i);
        }
        super.leakyRelu(x, slope, out, i, to);
    }
    // endregion

    @Override
    public void leakyReluBackward(float[] x, float slope, float[] g, float[] gradIn, int from, int to, boolean accumulate) {
        // region exercise-leaky-relu-backward (read docs/TOUR.md §5): the vector loop with a mask, and the tail left to the scalar twin
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector d = gv.mul(slope).blend(gv, positive);
            if (accumulate) d = d.add(FloatVector.fromArray(S, gradIn, i));
            d.intoArray(gradIn, i);
        }
        super.leakyReluBackward(x, slope, g, gradIn, i, to, accumulate);
        // endregion exercise-leaky-relu-backward
    }

    /**
     * The functions networks apply to whole activations (exp for softmax, log, tanh, sigmoid, softplus)
     * get a vector loop each; sqrt and abs stay scalar. The functions come from {@link VectorMath}, not
     * {@code VectorOperators.EXP/TANH/...}, whose bits differ between interpreted and compiled code.
     * One loop per function: a shared loop taking the function as a parameter is compiled once for all
     * of them, and a non-constant operation turns every vector operation into slow, allocating code.
     */
    @Override
    public void lerp(float[] average, float[] value, float weight, int from, int to) {
        FloatVector w = FloatVector.broadcast(S, weight);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector a = FloatVector.fromArray(S, average, i);
            a.add(FloatVector.fromArray(S, value, i).sub(a).mul(w)).intoArray(average, i);
        }
        super.lerp(average, value, weight, i, to);
    }

    @Override
    public void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        int done = UNARY_LOOPS[op.ordinal()].run(x, out, from, to);
        super.unary(op, x, out, done, to); // the scalar tail (or all of it)
    }

    /** A vector loop over {@code [from, to)} that returns where the scalar tail starts. */
    @FunctionalInterface
    private interface VectorLoop {
        int run(float[] x, float[] out, int from, int to);
    }

    /**
     * Each function's loop, by {@code UnaryOp.ordinal()}, called through an interface rather than from a
     * switch. C2 inlines every case of a switch that has run into the method that holds it; with three
     * of these functions in use (exp, log, tanh) its inlining budget ran out half-way through the third,
     * whose vectors then became heap objects, 96 bytes each. Called through an interface, the site is not
     * inlined once it has seen more than two loops, so each loop is compiled on its own.
     */
    private static final VectorLoop[] UNARY_LOOPS = java.util.Arrays.stream(UnaryOp.values())
            .map(VectorElementwise::unaryLoop).toArray(VectorLoop[]::new);

    private static VectorLoop unaryLoop(UnaryOp op) {
        return switch (op) {
            case EXP -> VectorElementwise::exp;
            case LOG -> VectorElementwise::log;
            case TANH -> VectorElementwise::tanh;
            case SIGMOID -> VectorElementwise::sigmoid;
            case SOFTPLUS -> VectorElementwise::softplus;
            case SQRT, ABS -> (x, out, from, to) -> from;
        };
    }

    /**
     * The backward passes of the same functions, {@code gradIn += f'·g}, one loop each for the same reason;
     * each does the scalar twin's float operations in the same order, except softplus, whose derivative
     * is the vector sigmoid.
     */
    @Override
    public void unaryBackward(UnaryOp op, float[] x, float[] y, float[] g, float[] gradIn, int from, int to) {
        int done = switch (op) {
            case EXP -> expBackward(y, g, gradIn, from, to);
            case TANH -> tanhBackward(y, g, gradIn, from, to);
            case SIGMOID -> sigmoidBackward(y, g, gradIn, from, to);
            case SOFTPLUS -> softplusBackward(x, g, gradIn, from, to);
            case LOG, SQRT, ABS -> from;
        };
        super.unaryBackward(op, x, y, g, gradIn, done, to);
    }

    private static int expBackward(float[] y, float[] g, float[] gradIn, int from, int to) {   // y·g
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, y, i).mul(FloatVector.fromArray(S, g, i));
            d.add(FloatVector.fromArray(S, gradIn, i)).intoArray(gradIn, i);
        }
        return i;
    }

    private static int tanhBackward(float[] y, float[] g, float[] gradIn, int from, int to) {   // (1 − y²)·g
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector d = ONE.sub(yv.mul(yv)).mul(FloatVector.fromArray(S, g, i));
            d.add(FloatVector.fromArray(S, gradIn, i)).intoArray(gradIn, i);
        }
        return i;
    }

    private static int sigmoidBackward(float[] y, float[] g, float[] gradIn, int from, int to) {   // y(1 − y)·g
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector d = yv.mul(ONE.sub(yv)).mul(FloatVector.fromArray(S, g, i));
            d.add(FloatVector.fromArray(S, gradIn, i)).intoArray(gradIn, i);
        }
        return i;
    }

    private static int softplusBackward(float[] x, float[] g, float[] gradIn, int from, int to) {   // sigmoid(x)·g
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector d = VectorMath.sigmoid(FloatVector.fromArray(S, x, i)).mul(FloatVector.fromArray(S, g, i));
            d.add(FloatVector.fromArray(S, gradIn, i)).intoArray(gradIn, i);
        }
        return i;
    }

    private static int exp(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            VectorMath.exp(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return i;
    }

    private static int log(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            VectorMath.log(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return i;
    }

    private static int tanh(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return i;
    }

    private static int sigmoid(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            VectorMath.sigmoid(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return i;
    }

    private static int softplus(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            VectorMath.softplus(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return i;
    }
}
