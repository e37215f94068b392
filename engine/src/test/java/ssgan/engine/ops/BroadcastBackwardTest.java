package ssgan.engine.ops;

import static ssgan.engine.testing.Approx.assertClose;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Tensor;

/**
 * The backward of {@code mul} and {@code div} through their shared helper: exact gradients when one
 * operand was broadcast (it receives the sum over the stretched dimensions), and a tensor that is both
 * operands receives both gradients. (Seeded with {@code backward(gradient)} rather than through a sum, so
 * that it depends on no other exercise.)
 */
@Tag("exercise-broadcast-backward")
class BroadcastBackwardTest {
    private static final float[] A = {1, 2, 3, -1, 0.5f, 4};     // [2, 3]
    private static final float[] B = {2, -3, 0.25f};             // [3], broadcast over the 2 rows
    private static final float[] G = {1, 10, 100, -2, 0.5f, 3};  // the output's gradient

    @Test
    void aBroadcastOperandGetsTheGradientSummedOverTheRowsItWasStretchedOver() {
        Tensor a = Tensor.of(A, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(B, 3).requiresGrad(true);
        Arithmetic.mul(a, b).backward(Tensor.of(G, 2, 3));
        double[] da = new double[6], db = new double[3];
        for (int i = 0; i < 6; i++) {
            da[i] = (double) G[i] * B[i % 3];
            db[i % 3] += (double) G[i] * A[i];
        }
        assertClose("d(a·b)/da", da, a.gradData(), 1e-6, 1e-6);
        assertClose("d(a·b)/db, summed over the rows", db, b.gradData(), 1e-6, 1e-6);

        Tensor a2 = Tensor.of(A, 2, 3).requiresGrad(true);
        Tensor b2 = Tensor.of(B, 3);
        Arithmetic.div(a2, b2).backward(Tensor.of(G, 2, 3));
        for (int i = 0; i < 6; i++) da[i] = (double) G[i] / B[i % 3];
        assertClose("d(a/b)/da", da, a2.gradData(), 1e-6, 1e-6);
    }

    @Test
    void aTensorThatIsBothOperandsGetsBothGradients() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        Arithmetic.mul(x, x).backward(Tensor.ones(3));   // d(x²)/dx = 2x
        assertClose("x·x", new double[] {2, -4, 6}, x.gradData(), 0, 0);
        Tensor y = Tensor.of(new float[] {1, -2, 3}, 1, 3).requiresGrad(true);
        Tensor column = Tensor.of(new float[] {2, 5}, 2, 1);
        Arithmetic.mul(Arithmetic.mul(y, column), y).backward(Tensor.ones(2, 3));   // Σ_r c_r·y² : 2·(2 + 5)·y
        assertClose("y·c·y, broadcast", new double[] {14, -28, 42}, y.gradData(), 1e-6, 0);
    }
}
