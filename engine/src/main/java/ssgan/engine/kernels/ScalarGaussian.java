package ssgan.engine.kernels;

/** The plain Box–Muller of {@link GaussianKernel}, a pair at a time, in double precision with StrictMath. */
public final class ScalarGaussian implements GaussianKernel {
    @Override
    public void fill(long seed, long first, float[] a, int off, int len, float mean, float std) {
        long end = first + len;
        for (long p = first >> 1; 2 * p < end; p++) {
            long h = GaussianKernel.hash(seed, p);
            double u = 1.0 - ((h >>> 9) & 0x7f_ffff) * 0x1p-23; // (0, 1]: the log is finite
            double t = (h >>> 41) * 0x1p-23;                   // [0, 1)
            double radius = Math.sqrt(-2.0 * StrictMath.log(u));
            double angle = 2.0 * Math.PI * t;
            long even = 2 * p;
            if (even >= first) a[(int) (off + even - first)] = (float) (mean + std * radius * StrictMath.cos(angle));
            if (even + 1 < end) a[(int) (off + even + 1 - first)] = (float) (mean + std * radius * StrictMath.sin(angle));
        }
    }
}
