package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reductions with the Vector API: one vector of partial results in a register across the loop,
 * reduced across lanes once at the end (in lane order), the scalar tail after that. Float partials in
 * 16 lanes are far more accurate than one running float sum, though less than the scalar twin's double
 * sums.
 */
public final class VectorReductions implements ReductionKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    // region sum (copied into docs/book/02-vector-api.md; DocsJavaFenceTest checks the copy)
    public float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = off;
        for (int bound = off + S.loopBound(n); i < bound; i += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, x, i));
        }
        float[] lanes = Workspace.get(Workspace.LANES, S.length());
        acc.intoArray(lanes, 0);
        float s = sumInLaneOrder(lanes);
        for (; i < off + n; i++) s += x[i];
        return s;
    }
    // endregion

    @Override
    public float sumOfSquares(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = off;
        for (int bound = off + S.loopBound(n); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            acc = v.fma(v, acc);
        }
        float[] lanes = Workspace.get(Workspace.LANES, S.length());
        acc.intoArray(lanes, 0);
        float s = sumInLaneOrder(lanes);
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
        float m = acc.reduceLanes(VectorOperators.MAX); // exact in any order
        for (; i < off + n; i++) m = Math.max(m, x[i]);
        return m;
    }

    @Override
    public float sumExp(float[] x, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(S);
        int i = off;
        for (int bound = off + S.loopBound(n); i < bound; i += S.length()) {
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, i).sub(shift)));
        }
        float[] lanes = Workspace.get(Workspace.LANES, S.length());
        acc.intoArray(lanes, 0);
        float s = sumInLaneOrder(lanes);
        for (; i < off + n; i++) s += (float) StrictMath.exp(x[i] - shift);
        return s;
    }

    /**
     * A vector's lanes, stored to {@code lanes}, added in lane order. Not {@code reduceLanes(ADD)}: its
     * order is unspecified, and newer JDKs add the lanes in a different order when compiled than when
     * interpreted. The callers store the vector themselves into a scratch array: {@code toArray()} would
     * allocate, and so would passing the vector to a method the JIT does not inline (it is boxed).
     */
    private static float sumInLaneOrder(float[] lanes) {
        float s = 0;
        for (int j = 0; j < S.length(); j++) s += lanes[j];
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
