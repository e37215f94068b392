package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.Layout;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * Ops that move data without computing: transposing, flattening, joining, cutting and gathering.
 * (Reshape is {@link Tensor#reshape}.) Each backward rule moves the gradient back the same way.
 */
public final class Shapes {
    private Shapes() {}

    /** Swaps two dimensions (a copy, so the result is contiguous). */
    public static Tensor transpose(Tensor a, int dim0, int dim1) {
        int rank = a.dim();
        int[] perm = new int[rank];
        for (int d = 0; d < rank; d++) perm[d] = d;
        int d0 = Shape.dim("transpose", dim0, rank);
        int d1 = Shape.dim("transpose", dim1, rank);
        perm[d0] = d1;
        perm[d1] = d0;
        return permute(a, perm);
    }

    /** Reorders the dimensions: output dimension d is input dimension {@code dims[d]} (a copy). */
    public static Tensor permute(Tensor a, int... dims) {
        int[] shape = a.shape();
        int rank = shape.length;
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: " + Shape.str(dims) + " has " + dims.length + " entries for a tensor of shape " + Shape.str(shape));
        }
        int[] perm = new int[rank];
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        int[] outShape = new int[rank];
        for (int d = 0; d < rank; d++) {
            perm[d] = Shape.dim("permute", dims[d], rank);
            if (seen[perm[d]]) throw new IllegalArgumentException("permute: " + Shape.str(dims) + " is not a permutation of the dimensions of " + Shape.str(shape));
            seen[perm[d]] = true;
            inverse[perm[d]] = d;
            outShape[d] = shape[perm[d]];
        }
        float[] out = Storage.take(a.numel());
        Layout.permute(a.data(), shape, perm, out, false);
        return Tensor.fromOp("permute", out, outShape, g -> Layout.permute(g, outShape, inverse, a.gradBuffer(), true), a);
    }

    /** Merges dimensions {@code startDim} to the last into one (shares storage, like reshape). */
    public static Tensor flatten(Tensor a, int startDim) {
        int[] shape = a.shape();
        if (shape.length == 0) return a.reshape(1);
        int start = Shape.dim("flatten", startDim, shape.length);
        int[] out = new int[start + 1];
        System.arraycopy(shape, 0, out, 0, start);
        int merged = 1;
        for (int d = start; d < shape.length; d++) merged *= shape[d];
        out[start] = merged;
        return a.reshape(out);
    }

    /** Joins tensors along {@code dim}; all other dimensions must agree. */
    public static Tensor concat(int dim, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("concat: needs at least one tensor");
        int[] first = ts[0].shape();
        int d = Shape.dim("concat", dim, first.length);
        int sum = 0;
        for (Tensor t : ts) {
            int[] s = t.shape();
            boolean ok = s.length == first.length;
            for (int i = 0; ok && i < s.length; i++) ok = i == d || s[i] == first[i];
            if (!ok) {
                throw new IllegalArgumentException("concat: shapes " + Shape.str(first) + " and " + Shape.str(s)
                        + " differ outside dimension " + dim);
            }
            sum += s[d];
        }
        int total = sum;
        int outer = outer(first, d);
        int inner = inner(first, d);
        int[] outShape = first.clone();
        outShape[d] = total;
        DeviceOps device = Devices.opsFor("concat", ts);
        if (device != null) return device.concat(d, ts);
        float[] out = Storage.take(outer * total * inner);
        int[] offsets = new int[ts.length]; // where each input starts along dim
        for (int i = 0, at = 0; i < ts.length; at += ts[i].size(d), i++) {
            offsets[i] = at;
            int run = ts[i].size(d) * inner;
            Layout.copyRuns(ts[i].data(), 0, run, out, at * inner, total * inner, outer, run, false);
        }
        return Tensor.fromOp("concat", out, outShape, g -> {
            // region exercise-concat-backward (read docs/TOUR.md §3): each input's gradient is its own block of g, cut out along dim and added in
            for (int i = 0; i < ts.length; i++) {
                if (!ts[i].requiresGrad()) continue;
                int run = ts[i].size(d) * inner;
                Layout.copyRuns(g, offsets[i] * inner, total * inner, ts[i].gradBuffer(), 0, run, outer, run, true);
            }
            // endregion exercise-concat-backward
        }, ts);
    }

    /**
     * Cuts {@code a} along {@code dim}: into pieces of the given sizes (they must add up to the size of
     * the dimension), or, given one size, into pieces of that size (the last may be smaller).
     */
    public static Tensor[] split(Tensor a, int dim, int... sizes) {
        int d = Shape.dim("split", dim, a.dim());
        int length = a.size(d);
        if (sizes.length == 1) {
            int size = sizes[0];
            if (size <= 0) throw new IllegalArgumentException("split: piece size must be positive, got " + size);
            int pieces = Math.max(1, (length + size - 1) / size);
            sizes = new int[pieces];
            for (int i = 0; i < pieces; i++) sizes[i] = Math.min(size, length - i * size);
        }
        int sum = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative size in " + Shape.str(sizes));
            sum += s;
        }
        if (sum != length) {
            throw new IllegalArgumentException("split: sizes " + Shape.str(sizes) + " add up to " + sum + ", but dimension "
                    + dim + " of " + Shape.str(a.shape()) + " has " + length);
        }
        Tensor[] out = new Tensor[sizes.length];
        for (int i = 0, start = 0; i < sizes.length; start += sizes[i], i++) out[i] = narrow(a, d, start, sizes[i]);
        return out;
    }

    /** Elements {@code [start, start+length)} along {@code dim} (a copy). */
    public static Tensor narrow(Tensor a, int dim, int start, int length) {
        int[] shape = a.shape();
        int d = Shape.dim("narrow", dim, shape.length);
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") is outside dimension "
                    + dim + " of shape " + Shape.str(shape));
        }
        DeviceOps device = Devices.opsFor("narrow", a);
        if (device != null) return device.narrow(a, d, start, length);
        int outer = outer(shape, d);
        int inner = inner(shape, d);
        int[] outShape = shape.clone();
        outShape[d] = length;
        int run = length * inner;
        int stride = shape[d] * inner;
        float[] out = Storage.take(outer * run);
        Layout.copyRuns(a.data(), start * inner, stride, out, 0, run, outer, run, false);
        return Tensor.fromOp("narrow", out, outShape,
                g -> Layout.copyRuns(g, 0, run, a.gradBuffer(), start * inner, stride, outer, run, true), a);
    }

    /**
     * The rows {@code a[rows[0]], a[rows[1]], ...} along dimension 0 (e.g. the labelled examples of a
     * batch). A row picked twice receives the sum of both gradients.
     */
    public static Tensor indexSelect(Tensor a, int[] rows) {
        int[] shape = a.shape();
        if (shape.length == 0) throw new IllegalArgumentException("indexSelect: needs at least one dimension, got a scalar");
        for (int r : rows) {
            if (r < 0 || r >= shape[0]) {
                throw new IllegalArgumentException("indexSelect: row " + r + " is out of range for shape " + Shape.str(shape)
                        + " (valid: 0.." + (shape[0] - 1) + ")");
            }
        }
        DeviceOps device = Devices.opsFor("indexSelect", a);
        if (device != null) return device.indexSelect(a, rows.clone());
        int rowLength = inner(shape, 0);
        int[] picked = rows.clone();
        int[] outShape = shape.clone();
        outShape[0] = picked.length;
        float[] out = Storage.take(picked.length * rowLength);
        Layout.gatherRows(a.data(), rowLength, picked, out);
        return Tensor.fromOp("indexSelect", out, outShape, g -> Layout.scatterAddRows(g, rowLength, picked, a.gradBuffer()), a);
    }

    /**
     * Images {@code [N, C, H, W]}, each moved by its own whole-pixel offset: image i by
     * {@code (dx, dy) = (offsets[2i], offsets[2i + 1])}, so that {@code out[y][x] = in[y − dy][x − dx]}, and
     * {@code background} where that falls outside. Data augmentation: images that require a gradient are
     * refused (no backward rule).
     */
    public static Tensor shiftImages(Tensor images, int[] offsets, float background) {
        int[] shape = images.shape();
        if (shape.length != 4) throw new IllegalArgumentException("shiftImages: images must be [N, C, H, W], got " + Shape.str(shape));
        if (offsets.length != 2 * shape[0]) {
            throw new IllegalArgumentException("shiftImages: " + offsets.length + " offsets for " + shape[0] + " images (two per image: dx, dy)");
        }
        if (images.requiresGrad()) throw new IllegalArgumentException("shiftImages: moves data, and has no gradient; detach() the images first");
        DeviceOps device = Devices.opsFor("shiftImages", images);
        if (device != null) return device.shiftImages(images, offsets.clone(), background);
        int channels = shape[1], h = shape[2], w = shape[3];
        float[] src = images.data(), out = Storage.take(images.numel());
        for (int i = 0; i < shape[0]; i++) {
            for (int c = 0; c < channels; c++) {
                Layout.shiftPlane(src, out, (i * channels + c) * h * w, h, w, offsets[2 * i], offsets[2 * i + 1], background);
            }
        }
        return Tensor.fromOp("shiftImages", out, shape.clone(), null);
    }

    /**
     * Images {@code [N, C, H, W]}, each turned and scaled about its centre by its own 2 × 2 map: image i's
     * pixel (x, y) reads the source at {@code (cx + a·u + b·v, cy + c·u + d·v)}, with
     * {@code (u, v) = (x − cx, y − cy)}, the centre {@code (cx, cy) = ((W − 1)/2, (H − 1)/2)} and
     * {@code (a, b, c, d) = maps[4i .. 4i + 3]}, read bilinearly, {@code background} where the source is
     * outside the image (see {@link Layout#warpPlane}). {@code moves}, when not null, holds two planes of
     * {@code H × W} per image, the x and then the y part of a move added to each pixel's source: image i's
     * start at {@code 2·i·H·W}. The same bits on every device. Data augmentation: images that require a
     * gradient are refused (no backward rule).
     */
    public static Tensor warpImages(Tensor images, double[] maps, float[] moves, float background) {
        int[] shape = images.shape();
        if (shape.length != 4) throw new IllegalArgumentException("warpImages: images must be [N, C, H, W], got " + Shape.str(shape));
        if (maps.length != 4 * shape[0]) {
            throw new IllegalArgumentException("warpImages: " + maps.length + " map entries for " + shape[0] + " images (four per image: a, b, c, d)");
        }
        for (double m : maps) {
            if (!Double.isFinite(m) || Math.abs(m) > 1e6) throw new IllegalArgumentException("warpImages: map entries must be finite and at most 1e6 in size, got " + m);
        }
        int channels = shape[1], h = shape[2], w = shape[3];
        if (moves != null) {
            if (moves.length != 2 * shape[0] * h * w) {
                throw new IllegalArgumentException("warpImages: " + moves.length + " moves for " + shape[0] + " images of " + h + " × " + w
                        + " (two per pixel: " + 2 * shape[0] * h * w + ")");
            }
            for (float m : moves) {
                if (!Float.isFinite(m) || Math.abs(m) > 1e6) throw new IllegalArgumentException("warpImages: moves must be finite and at most 1e6 in size, got " + m);
            }
        }
        if (images.requiresGrad()) throw new IllegalArgumentException("warpImages: moves data, and has no gradient; detach() the images first");
        DeviceOps device = Devices.opsFor("warpImages", images);
        if (device != null) return device.warpImages(images, maps.clone(), moves == null ? null : moves.clone(), background);
        float[] src = images.data(), out = Storage.take(images.numel());
        // About 15 ns a pixel on one core (1.2 ms for 100 MNIST images): worth both cores. Each image is
        // computed alone, so the split changes no bit.
        Parallel.forRange(shape[0], Math.max(1, 4096 / Math.max(1, channels * h * w)), (chunk, i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                for (int c = 0; c < channels; c++) {
                    Layout.warpPlane(src, out, (i * channels + c) * h * w, h, w, maps[4 * i], maps[4 * i + 1], maps[4 * i + 2], maps[4 * i + 3],
                            moves, 2 * i * h * w, background);
                }
            }
        });
        return Tensor.fromOp("warpImages", out, shape.clone(), null);
    }

    private static int outer(int[] shape, int dim) {
        int n = 1;
        for (int i = 0; i < dim; i++) n *= shape[i];
        return n;
    }

    private static int inner(int[] shape, int dim) {
        int n = 1;
        for (int i = dim + 1; i < shape.length; i++) n *= shape[i];
        return n;
    }
}
