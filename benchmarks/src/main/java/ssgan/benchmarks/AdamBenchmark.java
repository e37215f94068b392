package ssgan.benchmarks;

import java.util.Map;
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
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.optim.Adam;
import ssgan.nn.optim.AdamKernel;
import ssgan.nn.optim.ScalarAdam;
import ssgan.nn.optim.VectorAdam;

/**
 * One Adam step over a 10 M-parameter tensor, beside the cheapest thing that touches the same memory:
 * one {@code System.arraycopy} of the parameter array. Adam moves 7 float streams (p, g, m, v read;
 * p, m, v written) against the copy's 2, so about 3.5× the copy's time is what memory bandwidth allows;
 * the target is 4.5×.
 *
 * <p>{@code adamStep} is the optimiser as the trainer runs it (chosen kernel, split over the cores);
 * the {@code kernel*} methods run one kernel on one thread to show the twins side by side.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class AdamBenchmark {
    @Param({"10000000"})
    int size;

    private Tensor parameter;
    private Adam adam;
    private float[] copyTarget;
    private float[] m;
    private float[] v;
    private AdamKernel.Coefficients coefficients;
    private final AdamKernel scalar = new ScalarAdam();
    private final AdamKernel vector = new VectorAdam();

    @Setup(Level.Trial)
    public void setUp() {
        Rng rng = new Rng(1);
        parameter = Tensor.randn(rng, size).requiresGrad(true);
        rng.fillGaussian(parameter.gradBuffer(), 0, size, 0f, 1f);
        // A tiny learning rate keeps the parameters in range however many steps JMH runs.
        adam = new Adam(Map.of("w", parameter), Adam.Options.defaults().withLr(1e-9f));
        copyTarget = new float[size];
        m = new float[size];
        v = new float[size];
        coefficients = new AdamKernel.Coefficients(0.9f, 0.1f, 0.999f, 0.001f, 0f, 1f, 1e-9f, 1f, 0f, 1e-8f);
    }

    @Benchmark
    public float adamStep() {
        adam.step();
        return parameter.data()[size - 1];
    }

    @Benchmark
    public float arrayCopy() {
        System.arraycopy(parameter.data(), 0, copyTarget, 0, size);
        return copyTarget[size - 1];
    }

    @Benchmark
    public float kernelScalarOneThread() {
        scalar.update(parameter.data(), parameter.gradData(), m, v, 0, size, coefficients);
        return parameter.data()[size - 1];
    }

    @Benchmark
    public float kernelVectorOneThread() {
        vector.update(parameter.data(), parameter.gradData(), m, v, 0, size, coefficients);
        return parameter.data()[size - 1];
    }
}
