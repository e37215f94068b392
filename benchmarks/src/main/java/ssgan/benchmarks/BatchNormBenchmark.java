package ssgan.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import ssgan.engine.kernels.BatchNormKernels;
import ssgan.engine.tensor.Rng;

/**
 * Batch norm at the SSGAN's d2 output ([100, 128, 7, 7]) and g2 output ([100, 128, 8, 8]): the training
 * forward (statistics + normalise), the backward (gradient sums + input gradient), and a plain
 * {@code System.arraycopy} of the same array as the memory-bound yardstick (targets: forward ≤ 2×,
 * backward ≤ 3× the copy).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class BatchNormBenchmark {
    @Param({"d2", "g2"})
    public String shape;

    private int n, c, hw;
    private float[] x, y, dy, dx, mean, var, scale, shift, sumDy, sumDyCentered, a, b, k;

    @Setup(Level.Trial)
    public void setUp() {
        n = 100;
        c = 128;
        hw = shape.equals("d2") ? 7 * 7 : 8 * 8;
        int size = n * c * hw;
        Rng rng = new Rng(1);
        x = new float[size];
        dy = new float[size];
        rng.fillGaussian(x, 0, size, 1f, 2f);
        rng.fillGaussian(dy, 0, size, 0f, 1f);
        y = new float[size];
        dx = new float[size];
        mean = new float[c];
        var = new float[c];
        scale = new float[c];
        shift = new float[c];
        sumDy = new float[c];
        sumDyCentered = new float[c];
        a = new float[c];
        b = new float[c];
        k = new float[c];
    }

    // The same calls as Normalization.batchNorm in training: both passes in one parallel-for, the
    // per-channel coefficients worked out in between.

    @Benchmark
    public float forward() {
        BatchNormKernels.normalize(x, n, c, hw, mean, var, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                scale[ch] = (float) (1 / Math.sqrt(var[ch] + 1e-5));
                shift[ch] = -mean[ch] * scale[ch];
            }
        }, scale, shift, 1f, y);   // slope 1: no fused activation
        return y[0];
    }

    @Benchmark
    public float backward() {
        float count = n * hw;
        BatchNormKernels.gradient(dy, dy, 1f, x, n, c, hw, mean, sumDy, sumDyCentered, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                a[ch] = scale[ch];
                b[ch] = -scale[ch] * scale[ch] * sumDyCentered[ch] * scale[ch] / count;
                k[ch] = -a[ch] * sumDy[ch] / count - b[ch] * mean[ch];
            }
        }, a, b, k, dx, false);
        return dx[0];
    }

    @Benchmark
    public float copy() {
        System.arraycopy(x, 0, y, 0, x.length);
        return y[0];
    }
}
