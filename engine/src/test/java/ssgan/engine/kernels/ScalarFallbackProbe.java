package ssgan.engine.kernels;

import ssgan.engine.ops.Activations;
import ssgan.engine.ops.MatMul;
import ssgan.engine.ops.Reductions;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Run by {@link ScalarFallbackTest} in a JVM started without {@code --add-modules jdk.incubator.vector}:
 * every kernel facade must fall back to its scalar twin, and the results must still be right.
 */
public final class ScalarFallbackProbe {
    private ScalarFallbackProbe() {}

    public static void main(String[] args) {
        if (Simd.ENABLED) throw new AssertionError("the Vector API should be unavailable in this JVM");
        Rng rng = new Rng(3);
        Tensor a = Tensor.randn(rng, 7, 5).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 5, 3);
        Tensor c = MatMul.matmul(a, b);
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 3; j++) {
                double ref = 0;
                for (int p = 0; p < 5; p++) ref += (double) a.get(i, p) * b.get(p, j);
                if (Math.abs(ref - c.get(i, j)) > 1e-5) throw new AssertionError("matmul differs at " + i + "," + j);
            }
        }
        Tensor loss = Reductions.sum(Activations.tanh(c));
        loss.backward();
        if (a.gradData() == null) throw new AssertionError("no gradient");
        float[] noise = new float[1000];
        rng.fillGaussian(noise, 0, noise.length, 0f, 1f);
        System.out.println("scalar fallback ok: " + Simd.describe());
    }
}
