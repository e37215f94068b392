package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reductions with the Vector API: one vector of partial results in a register across the loop,
 * reduced across lanes once at the end, the scalar tail after that. Float partials in 16 lanes are
 * far more accurate than one running float sum, though less than the double sums of the scalar twin.
 */
public final class VectorReductions implements ReductionKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = off;
        for (int bound = off + S.loopBound(n); i < bound; i += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, x, i));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < off + n; i++) s += x[i];
        return s;
    }

    @Override
    public float sumOfSquares(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = off;
        for (int bound = off + S.loopBound(n); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            acc = v.fma(v, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < off + n; i++) s += x[i] * x[i];
        return s;
    }

    @Override
    public float max(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = off;
        for (int bound = off + S.loopBound(n); i < bound; i += S.length()) {
            acc = acc.max(FloatVector.fromArray(S, x, i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < off + n; i++) m = Math.max(m, x[i]);
        return m;
    }

    @Override
    public float sumExp(float[] x, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(S);
        int i = off;
        for (int bound = off + S.loopBound(n); i < bound; i += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, x, i).sub(shift).lanewise(VectorOperators.EXP));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < off + n; i++) s += (float) Math.exp(x[i] - shift);
        return s;
    }

    @Override
    public void addColumnSums(float[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        int c = colFrom;
        // A vector of column sums stays in a register while it walks down the rows.
        for (int bound = colFrom + S.loopBound(colTo - colFrom); c < bound; c += S.length()) {
            FloatVector acc = FloatVector.fromArray(S, out, c);
            for (int r = 0; r < rows; r++) acc = acc.add(FloatVector.fromArray(S, x, r * cols + c));
            acc.intoArray(out, c);
        }
        for (; c < colTo; c++) {
            float s = 0;
            for (int r = 0; r < rows; r++) s += x[r * cols + c];
            out[c] += s;
        }
    }
}
