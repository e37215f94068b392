package ssgan.engine.kernels;

import ssgan.engine.tensor.Rng;

/** Random inputs for the kernel tests. */
final class KernelTestData {
    /** Lengths around the 16-float vector width and its multiples, to hit every tail case. */
    static final int[] SIZES = {1, 3, 15, 16, 17, 31, 33, 65, 100, 257};

    private KernelTestData() {}

    static float[] uniform(Rng rng, int n, float lo, float hi) {
        float[] a = new float[n];
        rng.fillUniform(a, 0, n, lo, hi);
        return a;
    }

    /** Values with |x| in [0.5, 2] and random sign: safe divisors, away from kinks at 0. */
    static float[] awayFromZero(Rng rng, int n) {
        float[] a = uniform(rng, n, 0.5f, 2f);
        for (int i = 0; i < n; i++) if (rng.nextFloat() < 0.5f) a[i] = -a[i];
        return a;
    }
}
