package ssgan.engine.kernels;

import ssgan.engine.ops.Activations;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
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
        checkConvolutions(rng);
        float[] noise = new float[1000];
        rng.fillGaussian(noise, 0, noise.length, 0f, 1f);
        System.out.println("scalar fallback ok: " + Simd.describe());
    }

    /** A convolution against its definition, and a transposed one with gradients: the implicit-GEMM paths. */
    private static void checkConvolutions(Rng rng) {
        Tensor x = Tensor.randn(rng, 2, 3, 6, 5).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 9, 3, 3, 3);
        Tensor y = Convolution.conv2d(x, w, null, Conv2dSpec.same(2));  // [2, 9, 3, 3]
        for (int n = 0; n < 2; n++) for (int o = 0; o < 9; o++) for (int oy = 0; oy < 3; oy++) for (int ox = 0; ox < 3; ox++) {
            double ref = 0;
            for (int c = 0; c < 3; c++) for (int ky = 0; ky < 3; ky++) for (int kx = 0; kx < 3; kx++) {
                int iy = 2 * oy + ky, ix = 2 * ox - 1 + kx;  // SAME: 6 → 3 pads only the bottom, 5 → 3 one each side
                if (iy >= 0 && iy < 6 && ix >= 0 && ix < 5) ref += (double) x.get(n, c, iy, ix) * w.get(o, c, ky, kx);
            }
            if (Math.abs(ref - y.get(n, o, oy, ox)) > 1e-4) throw new AssertionError("conv2d differs at " + n + "," + o + "," + oy + "," + ox);
        }
        Tensor up = Convolution.convTranspose2d(y, Tensor.randn(rng, 9, 4, 5, 5), null, ConvTranspose2dSpec.same(2));
        Reductions.sum(up).backward();
        if (x.gradData() == null) throw new AssertionError("no convolution gradient");
    }
}
