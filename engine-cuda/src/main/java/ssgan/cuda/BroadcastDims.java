package ssgan.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ssgan.engine.tensor.Shape;

/**
 * Broadcast shapes in the terms of broadcast.cu's kernels: exactly {@link #DIMS} dimensions, and a stride
 * per operand and dimension, 0 where the operand is stretched. Neighbouring dimensions that each operand
 * either spans or is stretched along alike merge into one, and size-1 dimensions drop out, so
 * [N, C, H, W] with [1, C, 1, 1] becomes [N, C, H·W] with [1, C, 1]; what is left is padded with
 * size-1 dimensions on the left.
 */
final class BroadcastDims {
    static final int DIMS = 4;

    private BroadcastDims() {}

    /** For {@code broadcast_binary}: the output's sizes and each operand's strides. */
    record Binary(int[] shape, int[] aStrides, int[] bStrides) {}

    /**
     * For {@code sum_to_shape}: the target's sizes ({@code kept}), the sizes of the summed dimensions
     * ({@code reduced}, 1 elsewhere), the strides of the gradient being summed, and how many of its
     * elements each target element receives.
     */
    record Sum(int[] kept, int[] reduced, int[] gStrides, int count) {}

    static Binary binary(String op, int[] aShape, int[] bShape, int[] outShape) {
        Merged m = merge(op, outShape, aShape, bShape);
        return new Binary(m.sizes, strides(m.sizes, m.spans[0]), strides(m.sizes, m.spans[1]));
    }

    static Sum sum(String op, int[] gShape, int[] targetShape) {
        Merged m = merge(op, gShape, targetShape);
        int[] kept = new int[DIMS];
        int[] reduced = new int[DIMS];
        int count = 1;
        for (int d = 0; d < DIMS; d++) {
            boolean spans = m.spans[0][d];
            kept[d] = spans ? m.sizes[d] : 1;
            reduced[d] = spans ? 1 : m.sizes[d];
            count *= reduced[d];
        }
        return new Sum(kept, reduced, Shape.strides(m.sizes), count);
    }

    /** The output's merged sizes, and for each operand and merged dimension whether the operand spans it. */
    private record Merged(int[] sizes, boolean[][] spans) {}

    private static Merged merge(String op, int[] outShape, int[]... operands) {
        int rank = outShape.length;
        List<Integer> sizes = new ArrayList<>();
        List<boolean[]> spans = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (outShape[d] == 1) continue; // moves no index
            boolean[] s = new boolean[operands.length];
            for (int i = 0; i < operands.length; i++) {
                int[] shape = operands[i];
                int k = d - (rank - shape.length); // right-aligned
                s[i] = k >= 0 && shape[k] == outShape[d];
            }
            int last = sizes.size() - 1;
            if (last >= 0 && Arrays.equals(spans.get(last), s)) {
                sizes.set(last, sizes.get(last) * outShape[d]);
            } else {
                sizes.add(outShape[d]);
                spans.add(s);
            }
        }
        if (sizes.size() > DIMS) {
            StringBuilder shapes = new StringBuilder();
            for (int[] s : operands) shapes.append(shapes.length() == 0 ? "" : " and ").append(Shape.str(s));
            throw new UnsupportedOperationException(op + ": broadcasting " + shapes + " to " + Shape.str(outShape) + " needs "
                    + sizes.size() + " dimensions even after merging neighbours that broadcast alike; the cuda kernels take at most " + DIMS);
        }
        int pad = DIMS - sizes.size();
        int[] merged = new int[DIMS];
        boolean[][] spanned = new boolean[operands.length][DIMS];
        for (int d = 0; d < DIMS; d++) {
            merged[d] = d < pad ? 1 : sizes.get(d - pad);
            for (int i = 0; i < operands.length; i++) spanned[i][d] = d >= pad && spans.get(d - pad)[i];
        }
        return new Merged(merged, spanned);
    }

    /** Row-major strides of the operand's part of {@code sizes}, 0 along the dimensions it does not span. */
    private static int[] strides(int[] sizes, boolean[] spans) {
        int[] strides = new int[DIMS];
        int stride = 1;
        for (int d = DIMS - 1; d >= 0; d--) {
            strides[d] = spans[d] ? stride : 0;
            if (spans[d]) stride *= sizes[d];
        }
        return strides;
    }
}
