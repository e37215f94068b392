package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.TestTensors.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

class MatMulTest {
    private final Rng rng = new Rng(8);

    /** C[b][i][j] = Σ_p A[b][i][p]·B[b][p][j] in double; B shared by the batch when bBatch is false. */
    private static double[] naive(float[] a, float[] b, int batch, int m, int k, int n, boolean bBatch) {
        double[] c = new double[batch * m * n];
        for (int s = 0; s < batch; s++) {
            int bo = bBatch ? s * k * n : 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += (double) a[s * m * k + i * k + p] * b[bo + p * n + j];
                    c[s * m * n + i * n + j] = sum;
                }
            }
        }
        return c;
    }

    @Test
    void matmul2dMatchesReferenceAndPassesGradCheck() {
        int[][] sizes = {{1, 1, 1}, {3, 17, 5}, {17, 3, 33}, {4, 65, 2}};
        for (int[] s : sizes) {
            Tensor a = uniform(rng, -1, 1, s[0], s[1]);
            Tensor b = uniform(rng, -1, 1, s[1], s[2]);
            Tensor c = MatMul.matmul(a, b);
            assertArrayEquals(new int[] {s[0], s[2]}, c.shape());
            assertClose("matmul", naive(a.data(), b.data(), 1, s[0], s[1], s[2], false), c.data(), 1e-5, 1e-5);
            GradCheck.standard().check("matmul " + s[0] + "x" + s[1] + "x" + s[2], in -> MatMul.matmul(in[0], in[1]), a, b);
        }
    }

    @Test
    void batchedMatmulWithPerBatchAndSharedRightOperand() {
        Tensor a = uniform(rng, -1, 1, 3, 4, 5);
        Tensor b = uniform(rng, -1, 1, 3, 5, 2);
        assertClose("batched", naive(a.data(), b.data(), 3, 4, 5, 2, true), MatMul.matmul(a, b).data(), 1e-5, 1e-5);
        GradCheck.standard().check("batched matmul", in -> MatMul.matmul(in[0], in[1]), a, b);
        Tensor w = uniform(rng, -1, 1, 5, 2);
        Tensor c = MatMul.matmul(a, w);
        assertArrayEquals(new int[] {3, 4, 2}, c.shape());
        assertClose("shared", naive(a.data(), w.data(), 3, 4, 5, 2, false), c.data(), 1e-5, 1e-5);
        GradCheck.standard().check("matmul [B,M,K]·[K,N]", in -> MatMul.matmul(in[0], in[1]), a, w);
    }

    @Test
    void linearUsesPyTorchWeightLayoutWithAndWithoutBias() {
        Tensor x = uniform(rng, -1, 1, 6, 17);
        Tensor w = uniform(rng, -1, 1, 3, 17);
        Tensor bias = uniform(rng, -1, 1, 3);
        double[] want = new double[6 * 3];
        for (int i = 0; i < 6; i++) {
            for (int o = 0; o < 3; o++) {
                double s = bias.data()[o];
                for (int p = 0; p < 17; p++) s += (double) x.data()[i * 17 + p] * w.data()[o * 17 + p];
                want[i * 3 + o] = s;
            }
        }
        Tensor y = MatMul.linear(x, w, bias);
        assertArrayEquals(new int[] {6, 3}, y.shape());
        assertClose("linear", want, y.data(), 1e-5, 1e-5);
        GradCheck.standard().check("linear", in -> MatMul.linear(in[0], in[1], in[2]), x, w, bias);
        GradCheck.standard().check("linear no bias", in -> MatMul.linear(in[0], in[1], null), x, w);
        Tensor x3 = uniform(rng, -1, 1, 2, 3, 17);
        assertArrayEquals(new int[] {2, 3, 3}, MatMul.linear(x3, w, bias).shape());
        GradCheck.standard().check("linear 3-d input", in -> MatMul.linear(in[0], in[1], in[2]), x3, w, bias);
    }

    @Test
    void linearAffineIsTheLinearThenTheChannelAffineToTheBit() {
        for (float slope : new float[] {Normalization.NO_ACTIVATION, 0f, 0.2f}) {
            Tensor x = uniform(rng, -1, 1, 7, 13);
            Tensor w = uniform(rng, -1, 1, 5, 13);
            Tensor scale = uniform(rng, 0.5f, 1.5f, 5);
            Tensor shift = uniform(rng, -1, 1, 5);
            Tensor fused = MatMul.linearAffine(x, w, scale, shift, slope);
            Tensor twoOps = Normalization.channelAffine(MatMul.linear(x, w, null), scale, shift, slope);
            assertArrayEquals(twoOps.data(), fused.data(), "slope " + slope);
            GradCheck check = GradCheck.standard().withStep(1e-3).withTolerance(2e-2, 2e-2); // the activation's kink
            check.check("linearAffine slope " + slope, in -> MatMul.linearAffine(in[0], in[1], in[2], in[3], slope),
                    x, w, scale, shift);
            check.check("linearAffine without shift", in -> MatMul.linearAffine(in[0], in[1], in[2], null, slope),
                    x, w, scale);
        }
    }

    @Test
    void linearAffineRefusesWhatItCannotFuse() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.linearAffine(Tensor.zeros(2, 3, 4), Tensor.zeros(5, 4), Tensor.ones(5), null, 0f));
        assertTrue(e.getMessage().contains("linearAffine") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> MatMul.linearAffine(Tensor.zeros(2, 4), Tensor.zeros(5, 4), Tensor.ones(4), null, 0f));
        assertTrue(e2.getMessage().contains("scale"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> MatMul.linearAffine(Tensor.zeros(2, 3), Tensor.zeros(5, 4), Tensor.ones(5), null, 0f));
        assertTrue(e3.getMessage().contains("[2, 3]") && e3.getMessage().contains("[5, 4]"), e3.getMessage());
    }

    @Test
    void mismatchedShapesNameTheOpAndShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> MatMul.linear(Tensor.zeros(2, 3), Tensor.zeros(3, 4), null));
        assertTrue(e2.getMessage().contains("linear") && e2.getMessage().contains("[2, 3]") && e2.getMessage().contains("[3, 4]"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> MatMul.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 3), Tensor.zeros(3)));
        assertTrue(e3.getMessage().contains("bias"), e3.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(Tensor.zeros(2, 2, 3), Tensor.zeros(3, 3, 2)));
    }
}
