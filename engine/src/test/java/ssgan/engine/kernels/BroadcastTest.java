package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static ssgan.engine.kernels.KernelTestData.awayFromZero;
import static ssgan.engine.kernels.KernelTestData.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;

/** Every fast path and the general strided loop of {@link Broadcast}, against the naive reference. */
class BroadcastTest {
    private final Rng rng = new Rng(5);

    /** Pairs chosen to hit: same shape, scalar either side, row, column, per-channel, both-sided and general. */
    private static final int[][][] PAIRS = {
        {{3, 17}, {3, 17}},
        {{3, 17}, {}}, {{}, {3, 17}}, {{1}, {5}}, {{5}, {1}},
        {{4, 33}, {33}}, {{33}, {4, 33}}, {{4, 33}, {1, 33}},
        {{5, 17}, {5, 1}}, {{5, 1}, {5, 17}},
        {{2, 3, 5, 7}, {1, 3, 1, 1}}, {{1, 3, 1, 1}, {2, 3, 5, 7}}, {{2, 3, 5, 7}, {3, 1, 1}},
        {{3, 1}, {1, 4}}, {{2, 1, 4}, {3, 1}}, {{2, 3, 4}, {2, 1, 4}}, {{2, 3, 4}, {1, 3, 1}},
        {{2, 3, 4}, {4}}, {{1, 1}, {1}}, {{0, 3}, {3}},
    };

    @Test
    void applyMatchesNaiveBroadcastingForEveryOpAndShapePair() {
        for (int[][] pair : PAIRS) {
            int[] as = pair[0];
            int[] bs = pair[1];
            int[] out = Shape.broadcast("test", as, bs);
            for (BinaryOp op : BinaryOp.values()) {
                float[] a = uniform(rng, Shape.numel(as), -2, 2);
                float[] b = awayFromZero(rng, Shape.numel(bs));
                double[] want = NaiveBroadcast.apply(NaiveBroadcast.reference(op), a, as, b, bs, out);
                float[] got = new float[want.length];
                Broadcast.apply(op, a, as, b, bs, got, out, false);
                String what = op + " " + Shape.str(as) + " with " + Shape.str(bs);
                assertClose(what, want, got, 1e-6, 1e-6);
                float[] acc = uniform(rng, want.length, -1, 1);
                double[] wantAcc = new double[want.length];
                for (int i = 0; i < want.length; i++) wantAcc[i] = acc[i] + want[i];
                Broadcast.apply(op, a, as, b, bs, acc, out, true);
                assertClose(what + " accumulate", wantAcc, acc, 1e-6, 1e-6);
            }
        }
    }

    @Test
    void sumIntoMatchesNaiveSumForEveryReductionPattern() {
        int[][][] cases = {
            {{3, 17}, {3, 17}}, {{3, 17}, {17}}, {{3, 17}, {1, 17}}, {{3, 17}, {3, 1}}, {{3, 17}, {1, 1}}, {{3, 17}, {}},
            {{2, 3, 5, 7}, {1, 3, 1, 1}}, {{2, 3, 5, 7}, {3, 1, 1}}, {{2, 3, 5, 7}, {2, 1, 5, 1}},
            {{2, 3, 4}, {2, 1, 4}}, {{2, 3, 4}, {2, 3, 1}}, {{2, 3, 4}, {1, 3, 4}}, {{5}, {1}},
        };
        for (int[][] c : cases) {
            int[] gs = c[0];
            int[] ts = c[1];
            float[] g = uniform(rng, Shape.numel(gs), -1, 1);
            float[] target = uniform(rng, Shape.numel(ts), -1, 1);
            double[] want = NaiveBroadcast.sumTo(g, gs, ts);
            for (int i = 0; i < want.length; i++) want[i] += target[i];
            Broadcast.sumInto(g, gs, target, ts);
            assertClose("sumInto " + Shape.str(gs) + " -> " + Shape.str(ts), want, target, 1e-6, 1e-6);
        }
    }

    @Test
    void sumIntoRejectsShapesThatDoNotBroadcast() {
        assertThrows(IllegalArgumentException.class, () -> Broadcast.sumInto(new float[6], new int[] {2, 3}, new float[2], new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> Broadcast.sumInto(new float[6], new int[] {2, 3}, new float[6], new int[] {1, 2, 3, 1}));
    }
}
