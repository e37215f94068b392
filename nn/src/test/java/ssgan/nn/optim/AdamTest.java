package ssgan.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.Approx;

class AdamTest {
    private static final int STEPS = 6;

    /** Two named parameters of odd sizes, so vector tails are exercised. */
    private static LinkedHashMap<String, Tensor> parameters(long seed) {
        Rng rng = new Rng(seed);
        LinkedHashMap<String, Tensor> ps = new LinkedHashMap<>();
        ps.put("layer.weight", Tensor.randn(rng, 5, 7).requiresGrad(true));
        ps.put("layer.bias", Tensor.randn(rng, 5).requiresGrad(true));
        return ps;
    }

    /** A deterministic gradient for step {@code t}, different every step and every parameter. */
    private static void setGradients(Map<String, Tensor> ps, int t) {
        Rng rng = new Rng(1000 + t);
        for (Tensor p : ps.values()) {
            float[] g = p.gradBuffer();
            rng.fillGaussian(g, 0, g.length, 0f, 1f);
        }
    }

    /** PyTorch's documented Adam/AdamW algorithm, written out in double precision, one parameter. */
    private static final class Reference {
        final double[] p, m, v;
        int t;

        Reference(float[] init) {
            p = new double[init.length];
            for (int i = 0; i < p.length; i++) p[i] = init[i];
            m = new double[p.length];
            v = new double[p.length];
        }

        void step(float[] grad, Adam.Options o) {
            t++;
            double lr = o.lr(), b1 = o.beta1(), b2 = o.beta2(), eps = o.eps(), wd = o.weightDecay();
            for (int i = 0; i < p.length; i++) {
                double g = grad[i];
                if (o.decoupledWeightDecay()) p[i] *= 1 - lr * wd;
                else g += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                double denom = o.epsilon() == Adam.Epsilon.INSIDE_SQRT ? Math.sqrt(vHat + eps) : Math.sqrt(vHat) + eps;
                p[i] -= lr * mHat / denom;
            }
        }
    }

    private static void checkAgainstReference(Adam.Options options, AdamKernel kernel) {
        LinkedHashMap<String, Tensor> ps = parameters(42);
        Map<String, Reference> refs = new LinkedHashMap<>();
        ps.forEach((name, p) -> refs.put(name, new Reference(p.data())));
        Adam adam = new Adam(ps, options, kernel);
        for (int t = 1; t <= STEPS; t++) {
            setGradients(ps, t);
            adam.step();
            for (Map.Entry<String, Tensor> e : ps.entrySet()) {
                refs.get(e.getKey()).step(e.getValue().gradData(), options);
                Approx.assertClose(options + " step " + t + " " + e.getKey(), refs.get(e.getKey()).p, e.getValue().data(), 1e-5, 1e-6);
            }
        }
    }

    private static final Adam.Options GAN = Adam.Options.defaults().withLr(3e-3f).withBetas(0.5f, 0.999f);

    @Tag("exercise-adam-coefficients")
    @Test
    void matchesHandWrittenAlgorithmForEveryVariantAndBothKernels() {
        Adam.Options[] variants = {
            Adam.Options.defaults().withLr(1e-2f),
            GAN.withEps(1e-8f, Adam.Epsilon.INSIDE_SQRT),
            GAN.withEps(1e-3f, Adam.Epsilon.OUTSIDE_SQRT).withWeightDecay(0.1f),
            GAN.withEps(1e-3f, Adam.Epsilon.INSIDE_SQRT).withWeightDecay(0.1f),
            GAN.withDecoupledWeightDecay(0.5f),
        };
        for (Adam.Options o : variants) {
            checkAgainstReference(o, new ScalarAdam());
            checkAgainstReference(o, new VectorAdam());
        }
    }

    @Test
    void theProfileSeesTheUpdateAndTheZeroing() {
        Tensor p = Tensor.of(new float[] {1, 1, 1}, 3).requiresGrad(true);
        p.gradBuffer()[0] = 1f;
        Adam adam = new Adam(Map.of("p", p), Adam.Options.defaults());
        OpProfile.enable(true);
        try {
            adam.step();
            adam.zeroGrad();
            Map<String, OpProfile.Times> times = OpProfile.snapshot();
            assertTrue(times.get("adam").forwardNanos() > 0, times.toString());
            assertTrue(times.get("zeroGrad").forwardNanos() > 0, times.toString());
        } finally {
            OpProfile.enable(false);
            OpProfile.reset();
        }
    }

    @Tag("exercise-adam-coefficients")
    @Test
    void firstStepMovesEachWeightByLrAgainstItsGradientsSign() {
        // After one step m̂ = g and v̂ = g², so the update is lr·g/(|g| + eps) ≈ lr·sign(g).
        Tensor p = Tensor.of(new float[] {1, 1, 1}, 3).requiresGrad(true);
        System.arraycopy(new float[] {0.5f, -2f, 1e-3f}, 0, p.gradBuffer(), 0, 3);
        new Adam(Map.of("p", p), Adam.Options.defaults().withLr(0.1f)).step();
        assertArrayEquals(new float[] {0.9f, 1.1f, 0.9f}, p.data(), 2e-6f);
        assertEquals(1 - 0.1 * 1e-3 / (1e-3 + 1e-8), p.data()[2], 1e-7, "eps shows for small gradients");
    }

    @Tag("exercise-adam-coefficients")
    @Test
    void epsilonPlacementMattersForTinyGradients() {
        // g = 1e-5, eps = 1e-8: outside, lr·g/(g + eps) ≈ 0.999·lr; inside, lr·g/sqrt(g² + eps) = lr·1e-5/sqrt(1.01e-8) ≈ 0.0995·lr.
        float[] moved = new float[2];
        Adam.Epsilon[] placements = Adam.Epsilon.values();
        for (int k = 0; k < 2; k++) {
            Tensor p = Tensor.zeros(1).requiresGrad(true);
            p.gradBuffer()[0] = 1e-5f;
            new Adam(Map.of("p", p), Adam.Options.defaults().withLr(1f).withEps(1e-8f, placements[k])).step();
            moved[k] = -p.data()[0];
        }
        assertEquals(1e-5 / (1e-5 + 1e-8), moved[0], 1e-6);
        assertEquals(1e-5 / Math.sqrt(1e-10 + 1e-8), moved[1], 1e-6);
    }

    @Tag("exercise-adam-coefficients")
    @Test
    void decoupledDecayShrinksWeightsEvenWithZeroGradient() {
        Tensor p = Tensor.full(2f, 4).requiresGrad(true);
        p.gradBuffer();
        Adam adam = new Adam(Map.of("p", p), Adam.Options.defaults().withLr(0.1f).withDecoupledWeightDecay(0.5f));
        adam.step();
        // p·(1 − lr·wd) − lr·0/(0 + eps) = 2·0.95
        assertArrayEquals(new float[] {1.9f, 1.9f, 1.9f, 1.9f}, p.data(), 1e-6f);
    }

    @Test
    void scalarAndVectorKernelsAreBitwiseEqualOnAwkwardSizes() {
        AdamKernel.Coefficients c = new AdamKernel.Coefficients(0.5f, 0.5f, 0.999f, 1 - 0.999f, 0.01f, 0.999f,
                3e-4f, 1.7f, 1e-8f, 0f);
        AdamKernel.Coefficients pytorchForm = new AdamKernel.Coefficients(0.9f, 0.1f, 0.999f, 1 - 0.999f, 0f, 1f,
                1e-3f, 1000f, 0f, 1e-8f);
        for (int n : new int[] {1, 3, 17, 33, 1_000_003}) {
            for (AdamKernel.Coefficients co : new AdamKernel.Coefficients[] {c, pytorchForm}) {
                Rng rng = new Rng(n);
                float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
                rng.fillGaussian(p, 0, n, 0, 1);
                rng.fillGaussian(g, 0, n, 0, 1);
                rng.fillGaussian(m, 0, n, 0, 0.1f);
                rng.fillUniform(v, 0, n, 0, 0.01f);
                float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
                int from = n > 2 ? 1 : 0; // an unaligned start as well
                new ScalarAdam().update(p, g, m, v, from, n, co);
                new VectorAdam().update(p2, g, m2, v2, from, n, co);
                assertArrayEquals(p, p2, "param, n=" + n);
                assertArrayEquals(m, m2, "exp_avg, n=" + n);
                assertArrayEquals(v, v2, "exp_avg_sq, n=" + n);
                if (from == 1) assertEquals(v[0], v2[0], "elements before 'from' are untouched");
            }
        }
    }

    @Test
    void parallelSplitOfALargeTensorGivesTheSameResultAsOneThread() {
        int n = 300_001;
        Rng rng = new Rng(5);
        Tensor a = Tensor.randn(rng, n).requiresGrad(true);
        rng.fillGaussian(a.gradBuffer(), 0, n, 0, 1);
        Tensor b = a.copy().requiresGrad(true);
        System.arraycopy(a.gradData(), 0, b.gradBuffer(), 0, n);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(3);
            assertEquals(3, Parallel.chunks(n, 1 << 16), "the tensor is really split");
            Adam split = new Adam(Map.of("p", a), GAN);
            for (int t = 0; t < 3; t++) split.step();
            Parallel.setThreads(1);
            Adam whole = new Adam(Map.of("p", b), GAN);
            for (int t = 0; t < 3; t++) whole.step();
        } finally {
            Parallel.setThreads(threads);
        }
        assertArrayEquals(b.data(), a.data());
    }

    @Test
    void restoredStateContinuesExactlyLikeAnUninterruptedRun() {
        Adam.Options o = GAN.withEps(1e-8f, Adam.Epsilon.INSIDE_SQRT).withWeightDecay(1e-3f);
        LinkedHashMap<String, Tensor> straight = parameters(9);
        Adam a = new Adam(straight, o);
        for (int t = 1; t <= 5; t++) {
            setGradients(straight, t);
            a.step();
        }

        LinkedHashMap<String, Tensor> first = parameters(9);
        Adam b = new Adam(first, o);
        for (int t = 1; t <= 3; t++) {
            setGradients(first, t);
            b.step();
        }
        // "Checkpoint": copy parameters and optimiser state, then continue in fresh objects.
        LinkedHashMap<String, Tensor> saved = new LinkedHashMap<>();
        b.state().forEach((k, v) -> saved.put(k, v.copy()));
        assertEquals(6, saved.size());
        assertEquals(3f, saved.get("step.layer.bias").item());
        assertArrayEquals(new int[] {5, 7}, saved.get("exp_avg_sq.layer.weight").shape());
        LinkedHashMap<String, Tensor> resumed = parameters(0);
        resumed.forEach((name, p) -> System.arraycopy(first.get(name).data(), 0, p.data(), 0, p.numel()));
        Adam c = new Adam(resumed, o);
        c.loadState(saved);
        for (int t = 4; t <= 5; t++) {
            setGradients(resumed, t);
            c.step();
        }
        for (String name : straight.keySet()) assertArrayEquals(straight.get(name).data(), resumed.get(name).data(), name);
    }

    @Test
    void loadStateRejectsUnknownNamesAndIncompleteEntries() {
        Adam adam = new Adam(parameters(1), GAN);
        assertThrows(IllegalArgumentException.class, () -> adam.loadState(Map.of("exp_avg.nope", Tensor.zeros(5))));
        assertThrows(IllegalArgumentException.class, () -> adam.loadState(Map.of("momentum.layer.bias", Tensor.zeros(5))));
        assertThrows(IllegalArgumentException.class, () -> adam.loadState(Map.of("exp_avg.layer.bias", Tensor.zeros(4),
                "exp_avg_sq.layer.bias", Tensor.zeros(5), "step.layer.bias", Tensor.scalar(1))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.loadState(Map.of("exp_avg.layer.bias", Tensor.zeros(5))));
        assertTrue(e.getMessage().contains("layer.bias"), e.getMessage());
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        LinkedHashMap<String, Tensor> ps = parameters(3);
        float[] before = ps.get("layer.bias").data().clone();
        ps.get("layer.weight").gradBuffer()[0] = 1;
        Adam adam = new Adam(ps, GAN);
        adam.step();
        assertArrayEquals(before, ps.get("layer.bias").data());
        assertEquals(3, adam.state().size(), "state only for the parameter that was stepped");
    }
}
