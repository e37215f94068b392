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

/** Square, non-transposed C = A·B through {@link Gemm}: 2·size³ flops per call. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class GemmBenchmark {
    // region gemm-benchmark (copied into docs/book/08-measuring.md; DocsJavaFenceTest checks the copy)
    @Param({"64", "128", "256", "512"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    private float[] a, b, c;

    @Setup
    public void setup() {
        if (!Simd.ENABLED) throw new IllegalStateException("the Vector API is off: this would measure the scalar GEMM");
        Parallel.setThreads(threads);
        Rng rng = new Rng(42);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        rng.fillUniform(a, 0, a.length, -1f, 1f);
        rng.fillUniform(b, 0, b.length, -1f, 1f);
    }

    @Benchmark
    public float[] gemm() {
        Gemm.gemm(size, size, size, a, b, c);
        return c;
    }
    // endregion
}
