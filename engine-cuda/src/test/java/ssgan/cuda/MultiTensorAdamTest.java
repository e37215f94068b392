package ssgan.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.device.DeviceAdam;
import ssgan.engine.tensor.Rng;
import ssgan.engine.testing.Approx;

/**
 * The one-launch Adam against PyTorch's Adam and AdamW algorithm (the formula nn's Adam implements),
 * written out in double precision here; on the emulator and on the GPU (see {@link Gpu}).
 */
class MultiTensorAdamTest {
    private static final int STEPS = 5;
    /** Odd sizes: a single element, a partial block, and several blocks of the grid. */
    private static final int[] SIZES = {1, 37, 70_001};

    /** The hyper-parameters of nn's Adam.Options. */
    private record Options(float lr, float beta1, float beta2, float eps, boolean epsInsideSqrt, float weightDecay, boolean decoupled) {}

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void everyVariantMatchesTheAlgorithmOnEveryTensor(Supplier<CudaDevice> device) {
        Options[] variants = {
            new Options(1e-3f, 0.9f, 0.999f, 1e-8f, false, 0f, false), // PyTorch's defaults
            new Options(3e-3f, 0.5f, 0.999f, 1e-8f, true, 0f, false), // eps inside the root (improved GAN)
            new Options(3e-3f, 0.5f, 0.999f, 1e-3f, false, 0.1f, false), // L2 decay
            new Options(3e-3f, 0.5f, 0.999f, 1e-8f, false, 0.5f, true), // AdamW
        };
        for (Options o : variants) check(device.get(), o);
    }

    private static void check(CudaDevice gpu, Options o) {
        MultiTensorAdam adam = new MultiTensorAdam(gpu);
        Rng rng = new Rng(42);
        List<CudaArray> params = new ArrayList<>(), grads = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>();
        List<double[][]> reference = new ArrayList<>(); // per tensor: p, m, v
        for (int size : SIZES) {
            float[] p = new float[size];
            rng.fillGaussian(p, 0, size, 0f, 1f);
            params.add(upload(gpu, p));
            grads.add(gpu.allocate(size));
            m.add(upload(gpu, new float[size]));
            v.add(upload(gpu, new float[size]));
            double[] pd = new double[size];
            for (int i = 0; i < size; i++) pd[i] = p[i];
            reference.add(new double[][] {pd, new double[size], new double[size]});
        }
        for (int t = 1; t <= STEPS; t++) {
            List<float[]> g = new ArrayList<>();
            for (int i = 0; i < SIZES.length; i++) {
                float[] gi = new float[SIZES[i]];
                rng.fillGaussian(gi, 0, gi.length, 0f, 1f);
                grads.get(i).copyFromHost(gi);
                g.add(gi);
            }
            adam.step(params, grads, m, v, coefficients(o, t));
            for (int i = 0; i < SIZES.length; i++) {
                double[][] r = reference.get(i);
                referenceStep(o, t, r[0], r[1], r[2], g.get(i));
                float[] actual = new float[SIZES[i]];
                params.get(i).copyToHost(actual);
                Approx.assertClose(o + " step " + t + " tensor " + i, r[0], actual, 1e-5, 1e-6);
            }
        }
        for (List<CudaArray> list : List.of(params, grads, m, v)) list.forEach(CudaArray::release);
    }

    /** The step's constants, as nn's Adam computes them (bias corrections in double). */
    private static DeviceAdam.Coefficients coefficients(Options o, int t) {
        double bc1 = 1 - StrictMath.pow(o.beta1(), t);
        double bc2 = 1 - StrictMath.pow(o.beta2(), t);
        return new DeviceAdam.Coefficients(o.beta1(), 1 - o.beta1(), o.beta2(), 1 - o.beta2(),
                o.decoupled() ? 0f : o.weightDecay(), o.decoupled() ? 1 - o.lr() * o.weightDecay() : 1f,
                (float) (o.lr() / bc1), (float) (1 / bc2), o.epsInsideSqrt() ? o.eps() : 0f, o.epsInsideSqrt() ? 0f : o.eps());
    }

    /** PyTorch's documented Adam/AdamW step for one tensor, in double precision. */
    private static void referenceStep(Options o, int t, double[] p, double[] m, double[] v, float[] grad) {
        double lr = o.lr(), b1 = o.beta1(), b2 = o.beta2(), eps = o.eps(), wd = o.weightDecay();
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (o.decoupled()) p[i] *= 1 - lr * wd;
            else g += wd * p[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            double mHat = m[i] / (1 - Math.pow(b1, t));
            double vHat = v[i] / (1 - Math.pow(b2, t));
            double denom = o.epsInsideSqrt() ? Math.sqrt(vHat + eps) : Math.sqrt(vHat) + eps;
            p[i] -= lr * mHat / denom;
        }
    }

    private static CudaArray upload(CudaDevice gpu, float[] values) {
        CudaArray a = gpu.allocate(values.length);
        a.copyFromHost(values);
        return a;
    }
}
