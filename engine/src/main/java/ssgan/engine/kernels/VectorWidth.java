package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;

/** The preferred float vector width; only loaded when the Vector API is present. */
final class VectorWidth {
    private VectorWidth() {}

    static int bits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
