package ssgan.nn.layers;

import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/** Argument checks shared by the layers, so every layer reports mistakes the same way. */
final class LayerChecks {
    private LayerChecks() {}

    static void positive(String layer, String what, int value) {
        if (value < 1) throw new IllegalArgumentException(layer + ": " + what + " must be positive, got " + value);
    }

    static void probability(String layer, String what, float p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(layer + ": " + what + " must be in [0, 1), got " + p);
    }

    /** Fails unless the input's rank is one of {@code ranks}; {@code expected} describes them, e.g. "[N, C, H, W]". */
    static void rank(String layer, Tensor input, String expected, int... ranks) {
        for (int r : ranks) if (input.dim() == r) return;
        throw new IllegalArgumentException(layer + ": expected input " + expected + ", got " + Shape.str(input.shape()));
    }
}
