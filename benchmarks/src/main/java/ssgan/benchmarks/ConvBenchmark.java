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
import ssgan.engine.kernels.Conv2dKernels;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.tensor.Rng;

/**
 * The SSGAN's convolution layers ({@link SsganLayer}), forward or backward, calling the kernels directly
 * (no autograd bookkeeping). Backward is the input gradient, the weight gradient and the bias gradient
 * of one layer, without the forward pass. Divide {@link SsganLayer#flops} by the time for GFLOP/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ConvBenchmark {
    @Param({"d1", "d2", "d3", "d4", "g1", "g2", "g3", "g4"})
    public String layer;

    @Param({"forward", "backward"})
    public String pass;

    private SsganLayer spec;
    private ConvGeometry g;
    private float[] x, w, bias, y, dy, dx, dw, db;

    @Setup(Level.Trial)
    public void setUp() {
        spec = SsganLayer.valueOf(layer);
        g = spec.geometry();
        Rng rng = new Rng(1);
        // Kernel-level names: the convolution image is [batch, channels, height, width] and its output
        // [batch, outChannels, outH, outW]; a transposed layer reads the latter and writes the former.
        int image = g.batch() * g.channels() * g.imagePlane(), output = g.batch() * g.outChannels() * g.outPlane();
        int in = spec.transposed ? output : image, out = spec.transposed ? image : output;
        x = gaussian(rng, in);
        w = gaussian(rng, g.outChannels() * g.patchSize());
        bias = gaussian(rng, spec.transposed ? g.channels() : g.outChannels());
        y = new float[out];
        dy = gaussian(rng, out);
        dx = new float[in];
        dw = new float[w.length];
        db = new float[bias.length];
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] a = new float[n];
        rng.fillGaussian(a, 0, n, 0f, 1f);
        return a;
    }

    @Benchmark
    public float run() {
        boolean forward = pass.equals("forward");
        if (!spec.transposed) {
            if (forward) {
                Conv2dKernels.forward(x, w, bias, g, y, false);
            } else {
                Conv2dKernels.backward(x, w, dy, g, dx, false, dw);
                Conv2dKernels.biasGradient(dy, g.batch(), g.outChannels(), g.outPlane(), db);
            }
        } else {
            if (forward) {
                Conv2dKernels.transposedForward(x, w, bias, g, y);
            } else {
                Conv2dKernels.transposedBackward(x, w, dy, g, dx, false, dw);
                Conv2dKernels.biasGradient(dy, g.batch(), g.channels(), g.imagePlane(), db);
            }
        }
        return forward ? y[0] : dx[0] + dw[0];
    }
}
