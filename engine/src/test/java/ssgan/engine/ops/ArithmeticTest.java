package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.TestTensors.awayFromZero;
import static ssgan.engine.ops.TestTensors.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.NaiveBroadcast;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

class ArithmeticTest {
    private final Rng rng = new Rng(11);

    private static final int[][][] PAIRS = {
        {{3, 17}, {3, 17}}, {{1}, {33}}, {{33}, {1}}, {{4, 1}, {1, 5}}, {{2, 3, 4, 5}, {1, 3, 1, 1}},
        {{65}, {}}, {{}, {2, 3}}, {{2, 3, 4}, {3, 1}}, {{4, 17}, {17}}, {{17}, {4, 17}},
    };

    private static BinaryOperator<Tensor> op(BinaryOp op) {
        return switch (op) {
            case ADD -> Arithmetic::add;
            case SUB -> Arithmetic::sub;
            case MUL -> Arithmetic::mul;
            case DIV -> Arithmetic::div;
        };
    }

    @Test
    void forwardMatchesNaiveBroadcasting() {
        for (int[][] p : PAIRS) {
            for (BinaryOp op : BinaryOp.values()) {
                Tensor a = uniform(rng, -2, 2, p[0]);
                Tensor b = awayFromZero(rng, p[1]);
                Tensor c = op(op).apply(a, b);
                int[] shape = Shape.broadcast("test", p[0], p[1]);
                assertArrayEquals(shape, c.shape());
                assertClose(op + " " + Shape.str(p[0]) + " " + Shape.str(p[1]),
                        NaiveBroadcast.apply(NaiveBroadcast.reference(op), a.data(), p[0], b.data(), p[1], shape), c.data(), 1e-6, 1e-6);
            }
        }
    }

    @Tag("exercise-broadcast-backward")
    @Test
    void gradientsMatchFiniteDifferencesIncludingBroadcastOperands() {
        for (int[][] p : PAIRS) {
            for (BinaryOp op : BinaryOp.values()) {
                Tensor a = uniform(rng, -2, 2, p[0]);
                Tensor b = awayFromZero(rng, p[1]);
                GradCheck.standard().check(op + " " + Shape.str(p[0]) + " " + Shape.str(p[1]), in -> op(op).apply(in[0], in[1]), a, b);
            }
        }
    }

    @Test
    void scalarFormsAndNegation() {
        Tensor a = uniform(rng, -2, 2, 3, 5);
        GradCheck.standard().check("neg", in -> Arithmetic.neg(in[0]), a);
        GradCheck.standard().check("addScalar", in -> Arithmetic.addScalar(in[0], 2.5f), a);
        GradCheck.standard().check("mulScalar", in -> Arithmetic.mulScalar(in[0], -3f), a);
        double[] want = new double[a.numel()];
        for (int i = 0; i < want.length; i++) want[i] = -3.0 * a.data()[i] + 2.5 - (-a.data()[i]);
        Tensor got = Arithmetic.sub(Arithmetic.addScalar(Arithmetic.mulScalar(a, -3f), 2.5f), Arithmetic.neg(a));
        assertClose("scalar forms", want, got.data(), 1e-6, 1e-6);
    }

    @Test
    void incompatibleShapesNameTheOpAndBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Arithmetic.mul(Tensor.zeros(2, 3), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Arithmetic.add(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 4)));
        assertTrue(e2.getMessage().contains("add") && e2.getMessage().contains("[2, 3, 4]") && e2.getMessage().contains("[2, 4]"), e2.getMessage());
    }

    @Test
    void aTensorUsedTwiceGetsTheSumOfBothGradients() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        Reductions.sum(Arithmetic.mul(x, x)).backward(); // d(x²)/dx = 2x
        assertArrayEquals(new float[] {2, -4, 6}, x.gradData());
        x.zeroGrad();
        Reductions.sum(Arithmetic.add(x, Arithmetic.mulScalar(x, 3))).backward(); // 1 + 3
        assertArrayEquals(new float[] {4, 4, 4}, x.gradData());
    }

    @Test
    void noGradScopeBuildsNoGraph() {
        Tensor x = uniform(rng, -1, 1, 4);
        try (var scope = GradMode.noGrad()) {
            Tensor y = Arithmetic.mul(x, x);
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
        }
        assertTrue(Arithmetic.mul(x, x).requiresGrad());
    }

    @Test
    void constantOperandsReceiveNoGradient() {
        Tensor x = uniform(rng, -1, 1, 2, 3);
        Tensor c = Tensor.ones(3);
        Reductions.sum(Arithmetic.add(x, c)).backward();
        assertTrue(c.gradData() == null);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, x.gradData());
    }
}
