package ssgan.engine.ops;

import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/** Random inputs for the op tests, all marked as needing a gradient. */
final class TestTensors {
    private TestTensors() {}

    static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        rng.fillUniform(d, 0, d.length, lo, hi);
        return Tensor.wrap(d, shape).requiresGrad(true);
    }

    /** Values with |x| in [0.5, 2] and random sign: away from the kinks of relu/abs and safe to divide by. */
    static Tensor awayFromZero(Rng rng, int... shape) {
        Tensor t = uniform(rng, 0.5f, 2f, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) if (rng.nextFloat() < 0.5f) d[i] = -d[i];
        return t;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
