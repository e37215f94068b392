package ssgan.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import ssgan.engine.parallel.Parallel;

/**
 * This machine's fp32 peak: nothing but fused multiply-adds on 12 independent vector accumulators, which
 * is more chains than (FMA latency × FMA pipes) so the pipes never wait. The other benchmarks are
 * judged against it: GFLOP/s = {@code flopsPerThread · threads} / (time per call).
 *
 * <p>{@code threads = 1} is one core's peak; {@code threads = 2} runs one loop per core through
 * {@link Parallel}, the same pool the kernels use, so it also pays what a kernel pays to start its threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class PeakBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    @Param({"1", "2"})
    public int threads;

    /** Work per thread per call; report.py reads it from the parameters to compute GFLOP/s. */
    @Param({"38400000"})
    public long flopsPerThread;

    private int iterations;
    private float[] partial;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        long flopsPerIteration = 2L * CHAINS * S.length();
        if (flopsPerThread % flopsPerIteration != 0) {
            throw new IllegalArgumentException("flopsPerThread must be a multiple of " + flopsPerIteration);
        }
        iterations = (int) (flopsPerThread / flopsPerIteration);
        partial = new float[threads];
    }

    @Benchmark
    public float fma() {
        Parallel.forRange(threads, 1, (chunk, start, end) -> {
            for (int t = start; t < end; t++) partial[t] = fmaLoop(iterations);
        });
        float sum = 0;
        for (float p : partial) sum += p;
        return sum;
    }

    /** acc = acc·0.999999 + 1e-6 on 12 chains: values stay near 1, so no overflow or denormals slow it. */
    private static float fmaLoop(int iterations) {
        FloatVector scale = FloatVector.broadcast(S, 0.999999f), shift = FloatVector.broadcast(S, 1e-6f);
        FloatVector a0 = FloatVector.broadcast(S, 0.1f), a1 = FloatVector.broadcast(S, 0.2f);
        FloatVector a2 = FloatVector.broadcast(S, 0.3f), a3 = FloatVector.broadcast(S, 0.4f);
        FloatVector a4 = FloatVector.broadcast(S, 0.5f), a5 = FloatVector.broadcast(S, 0.6f);
        FloatVector a6 = FloatVector.broadcast(S, 0.7f), a7 = FloatVector.broadcast(S, 0.8f);
        FloatVector a8 = FloatVector.broadcast(S, 0.9f), a9 = FloatVector.broadcast(S, 1.0f);
        FloatVector a10 = FloatVector.broadcast(S, 1.1f), a11 = FloatVector.broadcast(S, 1.2f);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(scale, shift);
            a1 = a1.fma(scale, shift);
            a2 = a2.fma(scale, shift);
            a3 = a3.fma(scale, shift);
            a4 = a4.fma(scale, shift);
            a5 = a5.fma(scale, shift);
            a6 = a6.fma(scale, shift);
            a7 = a7.fma(scale, shift);
            a8 = a8.fma(scale, shift);
            a9 = a9.fma(scale, shift);
            a10 = a10.fma(scale, shift);
            a11 = a11.fma(scale, shift);
        }
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
