package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.TestTensors.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.kernels.NaiveBroadcast;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

class ReductionsTest {
    private final Rng rng = new Rng(17);

    /** Reference: the sum of x over the dims marked in {@code reduced}, as the keep-dim shape. */
    private static double[] naiveSum(Tensor x, int[] keptShape) {
        return NaiveBroadcast.sumTo(x.data(), x.shape(), keptShape);
    }

    private static int[] kept(int[] shape, int... dims) {
        int[] k = shape.clone();
        for (int d : dims) k[d < 0 ? d + shape.length : d] = 1;
        return k;
    }

    @Tag("exercise-mean-backward")
    @Test
    void sumAndMeanOverEveryDimAndSeveralDims() {
        int[] shape = {3, 4, 17};
        int[][] dimSets = {{0}, {1}, {2}, {-1}, {0, 2}, {1, 2}, {0, 1}, {0, 1, 2}};
        for (int[] dims : dimSets) {
            for (boolean keepDim : new boolean[] {true, false}) {
                Tensor x = uniform(rng, -1, 1, shape);
                int[] k = kept(shape, dims);
                double[] want = naiveSum(x, k);
                Tensor s = Reductions.sum(x, keepDim, dims);
                String what = "sum " + Shape.str(dims) + " keepDim=" + keepDim;
                assertClose(what, want, s.data(), 1e-6, 1e-6);
                assertEquals(Shape.numel(k), s.numel());
                if (keepDim) assertArrayEquals(k, s.shape());
                else assertTrue(s.dim() == shape.length - dims.length, what + ": rank " + s.dim());
                int count = Shape.numel(shape) / Shape.numel(k);
                for (int i = 0; i < want.length; i++) want[i] /= count;
                assertClose("mean " + Shape.str(dims), want, Reductions.mean(x, keepDim, dims).data(), 1e-6, 1e-6);
                GradCheck.standard().check(what, in -> Reductions.sum(in[0], keepDim, dims), x);
                GradCheck.standard().check("mean " + Shape.str(dims), in -> Reductions.mean(in[0], keepDim, dims), x);
            }
        }
    }

    @Test
    void sumAndMeanOfAllGiveAScalar() {
        Tensor x = uniform(rng, -1, 1, 5, 33);
        double total = 0;
        for (float v : x.data()) total += v;
        Tensor s = Reductions.sum(x);
        assertArrayEquals(new int[0], s.shape());
        assertClose("sum", new double[] {total}, s.data(), 1e-6, 1e-6);
        assertClose("mean", new double[] {total / x.numel()}, Reductions.mean(x).data(), 1e-6, 1e-7);
        GradCheck.standard().check("sum all", in -> Reductions.sum(in[0]), x);
        GradCheck.standard().check("mean all", in -> Reductions.mean(in[0]), x);
    }

    @Test
    void badDimsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Reductions.sum(Tensor.zeros(2, 3), false, 2));
        assertTrue(e.getMessage().contains("sum"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reductions.sum(Tensor.zeros(2, 3), false, 1, -1));
    }

    @Test
    void maxAlongEachDimMatchesReferenceAndPassesGradCheck() {
        int[] shape = {3, 4, 5};
        for (int dim = 0; dim < 3; dim++) {
            Tensor x = uniform(rng, -1, 1, shape);
            int d = dim;
            Tensor m = Reductions.max(x, dim, false);
            int[] k = kept(shape, dim);
            double[] want = new double[Shape.numel(k)];
            java.util.Arrays.fill(want, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < x.numel(); i++) {
                int j = NaiveBroadcast.sourceIndex(NaiveBroadcast.unravel(i, shape), k);
                want[j] = Math.max(want[j], x.data()[i]);
            }
            assertClose("max dim " + dim, want, m.data(), 0, 0);
            assertArrayEquals(k, Reductions.max(x, dim, true).shape());
            GradCheck.standard().withStep(1e-3).check("max dim " + dim, in -> Reductions.max(in[0], d, false), x);
        }
    }

    @Test
    void maxGradientGoesToTheFirstMaximalElementAndArgmaxPicksTheFirstTie() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 2, /* row 2 */ 5, 5, 5, 5}, 2, 4).requiresGrad(true);
        assertArrayEquals(new int[] {1, 0}, Reductions.argmax(x, 1));
        assertArrayEquals(new int[] {1, 1, 1, 1}, Reductions.argmax(x, 0));
        Reductions.sum(Reductions.max(x, 1, false)).backward();
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0}, x.gradData());
    }

    @Tag("exercise-log-sum-exp")
    @Test
    void logSumExpIsStableForLargeValuesAndPassesGradCheck() {
        Tensor big = Tensor.of(new float[] {1e4f, 1e4f - 2, -1e4f, 1e4f}, 2, 2);
        float[] lse = Reductions.logSumExp(big, 1, false).data();
        assertClose("lse big", new double[] {1e4 + Math.log1p(Math.exp(-2)), 1e4}, lse, 1e-6, 0);
        for (float v : Reductions.softmax(big, 1).data()) assertTrue(Float.isFinite(v));
        for (float v : Reductions.logSoftmax(big, 1).data()) assertTrue(Float.isFinite(v));

        int[] shape = {2, 3, 17};
        for (int dim = 0; dim < 3; dim++) {
            int d = dim;
            Tensor x = uniform(rng, -3, 3, shape);
            int[] k = kept(shape, dim);
            double[] want = new double[Shape.numel(k)];
            for (int i = 0; i < x.numel(); i++) {
                want[NaiveBroadcast.sourceIndex(NaiveBroadcast.unravel(i, shape), k)] += Math.exp(x.data()[i]);
            }
            for (int i = 0; i < want.length; i++) want[i] = Math.log(want[i]);
            assertClose("lse dim " + dim, want, Reductions.logSumExp(x, dim, true).data(), 1e-6, 1e-6);
            GradCheck.standard().check("lse dim " + dim, in -> Reductions.logSumExp(in[0], d, false), x);
        }
    }

    @Test
    void softmaxAndLogSoftmaxMatchReferenceAndPassGradCheck() {
        int[] shape = {2, 5, 3};
        for (int dim : new int[] {0, 1, 2, -1}) {
            Tensor x = uniform(rng, -3, 3, shape);
            int[] k = kept(shape, dim);
            double[] norm = new double[Shape.numel(k)];
            for (int i = 0; i < x.numel(); i++) {
                norm[NaiveBroadcast.sourceIndex(NaiveBroadcast.unravel(i, shape), k)] += Math.exp(x.data()[i]);
            }
            double[] soft = new double[x.numel()];
            double[] logSoft = new double[x.numel()];
            for (int i = 0; i < x.numel(); i++) {
                double z = norm[NaiveBroadcast.sourceIndex(NaiveBroadcast.unravel(i, shape), k)];
                soft[i] = Math.exp(x.data()[i]) / z;
                logSoft[i] = x.data()[i] - Math.log(z);
            }
            assertClose("softmax dim " + dim, soft, Reductions.softmax(x, dim).data(), 1e-5, 1e-7);
            assertClose("logSoftmax dim " + dim, logSoft, Reductions.logSoftmax(x, dim).data(), 1e-5, 1e-6);
            GradCheck.standard().check("softmax dim " + dim, in -> Reductions.softmax(in[0], dim), x);
            GradCheck.standard().check("logSoftmax dim " + dim, in -> Reductions.logSoftmax(in[0], dim), x);
        }
    }
}
