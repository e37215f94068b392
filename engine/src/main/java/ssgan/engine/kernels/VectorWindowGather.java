package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector gather behind {@link Im2ColMatrix}'s packing; only loaded when the Vector API is present.
 */
final class VectorWindowGather {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private VectorWindowGather() {}

    /** Whether a block of this width is whole vectors (and small enough for a per-block table). */
    static boolean fits(int width) {
        return width % F.length() == 0 && width <= 4 * F.length();
    }

    /**
     * {@code dst[off + j] = src[base + index[at + j]]} where {@code keep[at + j]} is all ones, else 0, for
     * {@code j < width}. Masking by AND rather than by a masked gather keeps to the operations JDK 17
     * compiles to single instructions, and gives an exact 0 whatever the pixel read in the padding's place.
     */
    static void row(float[] src, int base, int[] index, int[] keep, int at, int width, float[] dst, int off) {
        for (int h = 0; h < width; h += F.length()) {
            FloatVector.fromArray(F, src, base, index, at + h)
                    .reinterpretAsInts().and(IntVector.fromArray(I, keep, at + h))
                    .reinterpretAsFloats().intoArray(dst, off + h);
        }
    }
}
