package ssgan.nn.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Adam kernel on the Vector API: {@link ScalarAdam}'s loop body on {@code SPECIES_PREFERRED} lanes
 * (16 floats with AVX-512), operation for operation, so results are bitwise equal to the scalar twin.
 * The remainder that does not fill a vector runs through the scalar loop.
 *
 * <p>Adam is memory-bound (7 float streams: p, g, m, v read; p, m, v written), so the point of the
 * vector form is to keep the arithmetic well below the memory time, not to save FLOPs.
 */
public final class VectorAdam implements AdamKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public void update(float[] param, float[] grad, float[] m, float[] v, int from, int to, Coefficients c) {
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector l2 = FloatVector.broadcast(SPECIES, c.l2());
        FloatVector decay = FloatVector.broadcast(SPECIES, c.decay());
        FloatVector stepSize = FloatVector.broadcast(SPECIES, c.stepSize());
        FloatVector invBc2 = FloatVector.broadcast(SPECIES, c.invBiasCorrection2());
        FloatVector epsInside = FloatVector.broadcast(SPECIES, c.epsInside());
        FloatVector epsOutside = FloatVector.broadcast(SPECIES, c.epsOutside());

        // region update-loop (copied into docs/book/06-adam-and-averaging.md; DocsJavaFenceTest checks the copy)
        int i = from;
        int upper = from + SPECIES.loopBound(to - from);
        for (; i < upper; i += SPECIES.length()) {
            FloatVector p = FloatVector.fromArray(SPECIES, param, i);
            FloatVector g = FloatVector.fromArray(SPECIES, grad, i).add(l2.mul(p));
            FloatVector mi = beta1.mul(FloatVector.fromArray(SPECIES, m, i)).add(oneMinusBeta1.mul(g));
            FloatVector vi = beta2.mul(FloatVector.fromArray(SPECIES, v, i)).add(oneMinusBeta2.mul(g).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.mul(invBc2).add(epsInside).lanewise(VectorOperators.SQRT).add(epsOutside);
            p.mul(decay).sub(stepSize.mul(mi).div(denom)).intoArray(param, i);
        }
        ScalarAdam.updateRange(param, grad, m, v, i, to, c);
        // endregion
    }
}
