package ssgan.engine.kernels;

import java.util.Arrays;

/**
 * The unrolled windows of a convolution, read from the image batch when asked for ({@link ImplicitMatrix}).
 * Row {@code r = (c, t)} is source channel c and kernel tap t, column {@code j = (n, q)} is image n and
 * output position q, and
 * <pre>
 *   entry(r, j) = src[(n·channels + c)·plane + offsets[t·positions + q]]     (0 where the offset is −1)
 * </pre>
 * The offset table says, for each tap and position, which pixel of a plane it reads; it does not depend
 * on the channel or the image, so it is small and stays in cache. For a plain convolution it is
 * {@link #windowOffsets}; the sub-pixel phases of a transposed convolution ({@link SubPixelPhases}) use
 * their own. With {@code transposed} the matrix is the transpose, rows (n, q) and columns (c, t): the
 * operand of the weight gradient.
 */
final class Im2ColMatrix implements ImplicitMatrix {
    private final float[] src;
    private final int images, channels, plane, taps, positions;
    private final int[] offsets;
    private final boolean transposed;

    Im2ColMatrix(float[] src, int images, int channels, int plane, int taps, int positions, int[] offsets, boolean transposed) {
        this.src = src;
        this.images = images;
        this.channels = channels;
        this.plane = plane;
        this.taps = taps;
        this.positions = positions;
        this.offsets = offsets;
        this.transposed = transposed;
    }

    /** The im2col matrix of the convolution {@code g} on the image batch {@code x}, or its transpose. */
    static Im2ColMatrix windows(float[] x, ConvGeometry g, boolean transposed) {
        return new Im2ColMatrix(x, g.batch(), g.channels(), g.imagePlane(), g.kernelH() * g.kernelW(), g.outPlane(),
                windowOffsets(g), transposed);
    }

    /**
     * For kernel tap {@code t = ky·KW + kx} and output pixel p, entry {@code t·P + p} is the offset inside
     * an input plane that the tap reads, or −1 where it falls in the padding.
     */
    // region window-offsets (copied into docs/book/04-convolution.md; DocsJavaFenceTest checks the copy)
    static int[] windowOffsets(ConvGeometry g) {
        int p = g.outPlane(), ow = g.outW();
        int[] offsets = new int[g.kernelH() * g.kernelW() * p];
        for (int ky = 0; ky < g.kernelH(); ky++) {
            for (int kx = 0; kx < g.kernelW(); kx++) {
                // region exercise-im2col-offsets (read docs/TOUR.md §7): for tap (ky, kx), the pixel of an input plane that each output pixel reads, or −1 in the padding
                int t = (ky * g.kernelW() + kx) * p;
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy = oy * g.strideH() - g.padTop() + ky;
                    for (int ox = 0; ox < ow; ox++) {
                        int ix = ox * g.strideW() - g.padLeft() + kx;
                        boolean inside = iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width();
                        offsets[t + oy * ow + ox] = inside ? iy * g.width() + ix : -1;
                    }
                }
                // endregion exercise-im2col-offsets
            }
        }
        return offsets;
    }
    // endregion

    @Override
    public int rows() {
        return transposed ? images * positions : channels * taps;
    }

    @Override
    public int columns() {
        return transposed ? channels * taps : images * positions;
    }

    /** A gather table: for each entry, the pixel read ({@code index}) and whether it is real ({@code keep}: all ones, or 0). */
    private static class GatherTable {
        int[] index = new int[0], keep = new int[0];

        /** Room for n entries; grown on demand, then reused. */
        void ensure(int n) {
            if (index.length < n) {
                index = new int[n];
                keep = new int[n];
            }
        }
    }

    /** Each thread's table for {@link #packWindowsIndexed}. */
    private static final ThreadLocal<GatherTable> TABLE = ThreadLocal.withInitial(GatherTable::new);

    /**
     * Each thread's table for {@link #packTransposedIndexed}, with what it was built for: a GEMM asks for
     * the same columns once per slice of its k rows, and the table does not depend on the rows.
     */
    private static final class TransposedTable extends GatherTable {
        int[] offsets;
        int plane, taps, positions, col0, colCount, width;

        boolean isFor(Im2ColMatrix m, int col0, int colCount, int width) {
            return offsets == m.offsets && plane == m.plane && taps == m.taps && positions == m.positions
                    && this.col0 == col0 && this.colCount == colCount && this.width == width;
        }
    }

    private static final ThreadLocal<TransposedTable> TRANSPOSED_TABLE = ThreadLocal.withInitial(TransposedTable::new);

    @Override
    public void pack(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
        boolean gather = Simd.ENABLED && VectorWindowGather.fits(width);
        if (transposed) {
            if (gather && rowCount >= 2 * positions) {
                packTransposedIndexed(row0, rowCount, col0, colCount, width, dst, off);
            } else {
                packTransposed(row0, rowCount, col0, colCount, width, dst, off);
            }
        } else if (gather && colCount == width && col0 % positions + width <= positions) {
            packWindowsOfOneImage(row0, rowCount, col0, width, dst, off);
        } else if (gather && rowCount >= 2 * taps) {
            packWindowsIndexed(row0, rowCount, col0, colCount, width, dst, off);
        } else {
            packWindows(row0, rowCount, col0, colCount, width, dst, off);
        }
    }

    /** Rows (c, t), columns (n, q): each row is a run of positions per image, as far as the block reaches. */
    private void packWindows(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
        int c = row0 / taps, t = row0 % taps;
        int firstImage = col0 / positions, firstPosition = col0 % positions;
        for (int p = 0; p < rowCount; p++, off += width) {
            int tapRow = t * positions;
            for (int j = 0, n = firstImage, q = firstPosition; j < colCount; n++, q = 0) {
                int run = Math.min(positions - q, colCount - j), base = (n * channels + c) * plane, from = tapRow + q;
                for (int i = 0; i < run; i++) {
                    int o = offsets[from + i];
                    dst[off + j + i] = o < 0 ? 0f : src[base + o];
                }
                j += run;
            }
            Arrays.fill(dst, off + colCount, off + width, 0f);
            if (++t == taps) {
                t = 0;
                c++;
            }
        }
    }

    /**
     * The same block for a GEMM sliver, by vector gathers. Within a block every channel reads the same
     * pixels, so the pixel each (tap, column) reads is tabulated once ({@code index}, relative to the
     * channel's plane, with {@code keep} all ones, or zero in the padding and past the edge), and each
     * row is then a gather of those pixels from its channel. The table costs {@code taps·width} entries,
     * so this pays only for blocks of several rows per tap. Measured on the SSGAN layers: 0.6 ns per
     * entry, against 1.2 ns for the same table walked by scalar loads.
     */
    private void packWindowsIndexed(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
        GatherTable table = TABLE.get();
        table.ensure(taps * width);
        int[] index = table.index, keep = table.keep;
        int n = col0 / positions, q = col0 % positions;
        for (int j = 0; j < width; j++) {
            boolean real = j < colCount;
            int imageStart = n * channels * plane;
            for (int t = 0; t < taps; t++) {
                int o = real ? offsets[t * positions + q] : -1;
                index[t * width + j] = o < 0 ? 0 : imageStart + o;
                keep[t * width + j] = o < 0 ? 0 : -1;
            }
            if (real && ++q == positions) {
                q = 0;
                n++;
            }
        }
        int c = row0 / taps, t = row0 % taps;
        for (int p = 0; p < rowCount; p++, off += width) {
            VectorWindowGather.row(src, c * plane, index, keep, t * width, width, dst, off);
            if (++t == taps) {
                t = 0;
                c++;
            }
        }
    }

    /**
     * Each thread's gather table over one whole image plane, for {@link #packWindowsOfOneImage}, with the
     * offset table it was built from.
     */
    private static final class PlaneTable extends GatherTable {
        int[] offsets;
    }

    private static final ThreadLocal<PlaneTable> PLANE_TABLE = ThreadLocal.withInitial(PlaneTable::new);

    /**
     * A block whose columns all lie in one image, by vector gathers: then the pixel each (tap, column)
     * reads does not depend on the image, so one table for the whole plane serves every block and every
     * image, built once per offset table ({@code taps·positions} entries, the offsets made gatherable).
     * Blocks of few rows, such as the 25 of d1's windows taken one image at a time, then need no table
     * of their own, which {@link #packWindowsIndexed} would build for them at the cost of the gathers.
     */
    private void packWindowsOfOneImage(int row0, int rowCount, int col0, int width, float[] dst, int off) {
        PlaneTable table = PLANE_TABLE.get();
        if (table.offsets != offsets) {
            table.ensure(offsets.length);
            for (int i = 0; i < offsets.length; i++) {
                table.index[i] = Math.max(offsets[i], 0);
                table.keep[i] = offsets[i] < 0 ? 0 : -1;
            }
            table.offsets = offsets;
        }
        int imageStart = col0 / positions * channels * plane, q = col0 % positions;
        int c = row0 / taps, t = row0 % taps;
        for (int p = 0; p < rowCount; p++, off += width) {
            VectorWindowGather.row(src, imageStart + c * plane, table.index, table.keep, t * positions + q, width, dst, off);
            if (++t == taps) {
                t = 0;
                c++;
            }
        }
    }

    /**
     * The transposed block by vector gathers, as {@link #packWindowsIndexed} does the plain one. Here it is
     * the images that all read the same pixels: the pixel that column (c, t) reads at position q is
     * tabulated once for a block's columns, relative to the image's first plane, and each row (n, q) is a
     * gather of the table's row q from image n. The table costs {@code positions·width} entries, so this
     * pays for blocks of several rows per position; it is kept for the next block of the same columns (the
     * weight gradient's next slice of images).
     */
    private void packTransposedIndexed(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
        TransposedTable table = TRANSPOSED_TABLE.get();
        if (!table.isFor(this, col0, colCount, width)) {
            table.ensure(positions * width);
            for (int j = 0; j < width; j++) {
                int c = (col0 + j) / taps, t = (col0 + j) % taps;
                for (int q = 0; q < positions; q++) {
                    int o = j < colCount ? offsets[t * positions + q] : -1;
                    table.index[q * width + j] = o < 0 ? 0 : c * plane + o;
                    table.keep[q * width + j] = o < 0 ? 0 : -1;
                }
            }
            table.offsets = offsets;
            table.plane = plane;
            table.taps = taps;
            table.positions = positions;
            table.col0 = col0;
            table.colCount = colCount;
            table.width = width;
        }
        int[] index = table.index, keep = table.keep;
        int n = row0 / positions, q = row0 % positions;
        for (int p = 0; p < rowCount; p++, off += width) {
            VectorWindowGather.row(src, n * channels * plane, index, keep, q * width, width, dst, off);
            if (++q == positions) {
                q = 0;
                n++;
            }
        }
    }

    /** Rows (n, q), columns (c, t): along a row the tap advances, and the channel after the last one. */
    private void packTransposed(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
        int n = row0 / positions, q = row0 % positions;
        int firstChannel = col0 / taps, firstTap = col0 % taps;
        for (int p = 0; p < rowCount; p++, off += width) {
            int base = (n * channels + firstChannel) * plane, t = firstTap;
            for (int j = 0; j < colCount; j++) {
                int o = offsets[t * positions + q];
                dst[off + j] = o < 0 ? 0f : src[base + o];
                if (++t == taps) {
                    t = 0;
                    base += plane;
                }
            }
            Arrays.fill(dst, off + colCount, off + width, 0f);
            if (++q == positions) {
                q = 0;
                n++;
            }
        }
    }
}
