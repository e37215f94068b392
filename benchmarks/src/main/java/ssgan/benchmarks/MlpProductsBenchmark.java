package ssgan.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import ssgan.engine.kernels.Gemm;
import ssgan.engine.kernels.Simd;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;

/**
 * The matrix products of the mlp training step, as {@code MatMul.linear} calls them: for each of the
 * seven layer shapes of the two models and for 400 rows (the discriminator's pass over its four
 * batches) and 100 rows, the forward {@code X · Wᵀ}, the input gradient {@code G · W} or the weight
 * gradient {@code Gᵀ · X}. 2,163,500,000 flops per call whichever the product (report.py).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class MlpProductsBenchmark {
    /** {in, out} of the distinct linear shapes: the discriminator's four (its 250 → 10 head left out), then the generator's three. */
    static final int[][] LAYERS = {{784, 1000}, {1000, 500}, {500, 250}, {250, 250}, {100, 500}, {500, 500}, {500, 784}};
    static final int[] ROWS = {400, 100};

    @Param({"forward", "inputGradient", "weightGradient"})
    public String product;

    @Param({"2"})
    public int threads;

    private float[] x, w, c;

    @Setup
    public void setup() {
        if (!Simd.ENABLED) throw new IllegalStateException("the Vector API is off: this would measure the scalar GEMM");
        Parallel.setThreads(threads);
        Rng rng = new Rng(42);
        x = new float[400 * 1000];
        w = new float[1000 * 1000];
        c = new float[1000 * 1000];
        rng.fillUniform(x, 0, x.length, -1f, 1f);
        rng.fillUniform(w, 0, w.length, -1f, 1f);
    }

    @Benchmark
    public float[] products() {
        for (int rows : ROWS) {
            for (int[] layer : LAYERS) {
                int in = layer[0], out = layer[1];
                switch (product) {
                    case "forward" -> Gemm.gemm(false, true, rows, out, in, x, 0, in, w, 0, in, c, 0, out, false);
                    case "inputGradient" -> Gemm.gemm(false, false, rows, in, out, x, 0, out, w, 0, in, c, 0, in, false);
                    default -> Gemm.gemm(true, false, out, in, rows, x, 0, out, w, 0, in, c, 0, in, true);
                }
            }
        }
        return c;
    }
}
