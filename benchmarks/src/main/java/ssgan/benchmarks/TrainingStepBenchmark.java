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
import ssgan.app.train.SsganStep;

/**
 * One whole training iteration ({@link SsganStep#run}: discriminator step, then generator step) on
 * synthetic images of MNIST's shape, on all threads; see {@link TrainingStepFixture} for the set-up and
 * {@link StepProfile} for where the time goes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class TrainingStepBenchmark {
    @Param({"mlp", "dcgan"})
    String arch;

    private TrainingStepFixture fixture;

    @Setup
    public void setUp() {
        fixture = new TrainingStepFixture(arch);
    }

    @Benchmark
    public SsganStep.Losses trainingStep() {
        return fixture.run();
    }
}
