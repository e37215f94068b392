package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.Broadcast;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.testing.Approx;

/**
 * The dimensions and strides the broadcast kernels get, checked on the cpu: broadcast.cu's index
 * arithmetic, written out in Java ({@link #offsetOf}), must give the engine's own broadcasting results.
 */
class BroadcastDimsTest {
    /** Pairs of shapes that broadcast, from the everyday to ranks above 4 that merge down to 4 or fewer. */
    private static final int[][][] PAIRS = {
        {{5, 7}, {5, 7}},
        {{5, 7}, {7}},
        {{5, 7}, {5, 1}},
        {{}, {3, 4}},
        {{3, 1, 5}, {4, 1}},
        {{2, 3, 5, 7}, {1, 3, 1, 1}},
        {{2, 3, 5, 7}, {3, 1, 7}},
        {{2, 1, 5, 1}, {1, 3, 1, 7}},
        {{2, 3, 4, 5, 6}, {2, 3, 1, 1, 1}},
        {{1, 2, 1, 3, 4, 5}, {3, 1, 1}},
        {{1, 1, 1}, {1}},
    };

    @Test
    void binaryKernelIndexingGivesTheEnginesBroadcast() {
        Rng rng = new Rng(1);
        for (int[][] pair : PAIRS) {
            for (BinaryOp op : BinaryOp.values()) {
                int[] aShape = pair[0], bShape = pair[1];
                int[] outShape = Shape.broadcast("test", aShape, bShape);
                float[] a = random(rng, aShape), b = random(rng, bShape);
                float[] expected = new float[Shape.numel(outShape)];
                Broadcast.apply(op, a, aShape, b, bShape, expected, outShape, false);

                BroadcastDims.Binary d = BroadcastDims.binary("test", aShape, bShape, outShape);
                float[] actual = new float[expected.length];
                for (int i = 0; i < actual.length; i++) {
                    actual[i] = op.apply(a[offsetOf(i, d.shape(), d.aStrides())], b[offsetOf(i, d.shape(), d.bStrides())]);
                }
                assertArrayEquals(expected, actual, op + " " + Shape.str(aShape) + " " + Shape.str(bShape));
            }
        }
    }

    @Test
    void sumKernelIndexingGivesTheEnginesSumInto() {
        Rng rng = new Rng(2);
        for (int[][] pair : PAIRS) {
            int[] gShape = Shape.broadcast("test", pair[0], pair[1]);
            for (int[] targetShape : pair) {
                float[] g = random(rng, gShape);
                float[] expected = new float[Shape.numel(targetShape)];
                Broadcast.sumInto(g, gShape, expected, targetShape);

                BroadcastDims.Sum d = BroadcastDims.sum("test", gShape, targetShape);
                float[] actual = new float[expected.length];
                for (int t = 0; t < actual.length; t++) { // what each block of sum_to_shape adds up
                    int base = offsetOf(t, d.kept(), d.gStrides());
                    for (int j = 0; j < d.count(); j++) actual[t] += g[base + offsetOf(j, d.reduced(), d.gStrides())];
                }
                Approx.assertClose(Shape.str(gShape) + " to " + Shape.str(targetShape), expected, actual, 1e-5, 1e-5);
            }
        }
    }

    @Test
    void dimensionsThatBroadcastAlikeMerge() {
        BroadcastDims.Binary d = BroadcastDims.binary("add", new int[] {8, 3, 5, 7}, new int[] {1, 3, 1, 1}, new int[] {8, 3, 5, 7});
        assertArrayEquals(new int[] {1, 8, 3, 35}, d.shape(), "H and W merge; the leading dimension pads");
        assertArrayEquals(new int[] {0, 105, 35, 1}, d.aStrides());
        assertArrayEquals(new int[] {0, 0, 1, 0}, d.bStrides());
    }

    @Test
    void moreThanFourAlternationsAreRefusedWithTheShapes() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> BroadcastDims.binary("mul", new int[] {2, 3, 4, 5, 6}, new int[] {3, 1, 5, 1}, new int[] {2, 3, 4, 5, 6}));
        assertTrue(e.getMessage().startsWith("mul: broadcasting [2, 3, 4, 5, 6] and [3, 1, 5, 1] to [2, 3, 4, 5, 6] needs 5 dimensions"),
                e.getMessage());
    }

    /** broadcast.cu's offset_of: element {@code index} of an array of {@code sizes}, at the given strides. */
    private static int offsetOf(int index, int[] sizes, int[] strides) {
        int offset = 0;
        for (int k = BroadcastDims.DIMS - 1; k >= 0; k--) {
            offset += (index % sizes[k]) * strides[k];
            index /= sizes[k];
        }
        return offset;
    }

    private static float[] random(Rng rng, int[] shape) {
        float[] a = new float[Shape.numel(shape)];
        rng.fillGaussian(a, 0, a.length, 0f, 1f);
        for (int i = 0; i < a.length; i++) if (Math.abs(a[i]) < 0.1f) a[i] += 0.5f; // no divisions by almost 0
        return a;
    }

}
