package ssgan.examples;

import java.io.PrintStream;
import java.util.Arrays;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.kernels.Gemm;
import ssgan.engine.kernels.ImplicitMatrix;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Padding;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Lesson 7: a convolution is a matrix product (im2col).
 *
 * <p>A 2-D convolution with weight {@code [O, C, KH, KW]} computes, for every output channel o and output
 * pixel q = (oy, ox), a dot product of the o-th filter (C·KH·KW numbers) with the input window under it
 * (C·KH·KW numbers). Write each window as a <i>column</i> of a matrix, the "im2col" matrix, with one
 * row per (channel c, kernel tap t = ky·KW + kx) and one column per (image n, output pixel q). Then
 * <pre>
 *   Y[o][(n, q)] = Σ_(c, t) W[o][(c, t)] · cols[(c, t)][(n, q)]        i.e.  Y = W · cols
 * </pre>
 * with W the weight seen as an O × C·KH·KW matrix (its natural row-major layout already is that). So a
 * convolution costs one GEMM, and all of lesson 6's speed applies to it.
 *
 * <p>Which input pixel does entry (t, q) read? Output pixel (oy, ox) has its window's top-left corner at
 * {@code (oy·stride − padTop, ox·stride − padLeft)}, so tap (ky, kx) reads
 * <pre>
 *   iy = oy·stride − padTop + ky,   ix = ox·stride − padLeft + kx,   pixel iy·W + ix
 * </pre>
 * or a zero of the padding when (iy, ix) falls outside the image. That index map depends only on the
 * geometry, not on the channel or the image, so it is one small table of taps × output positions; the
 * lesson prints it for a 4×4 image and a 3×3 kernel with padding 1 ("." marks padding).
 *
 * <p>The engine never writes the im2col matrix out: a k×n matrix of windows repeats every input pixel up
 * to KH·KW times, which costs memory traffic. Instead its GEMM asks for the blocks it needs, while it
 * packs them, through {@link ImplicitMatrix}; the engine's own implementation ({@code Im2ColMatrix})
 * reads the pixels through a table like the one printed here. That class is internal to the engine, so
 * this lesson builds the table itself, from the engine's public {@link ConvGeometry} (the sizes and
 * paddings the engine resolved), and runs the convolution three ways, each checked against a direct
 * double-precision convolution:
 * <ol>
 *   <li>the im2col matrix written out, then {@code Gemm.gemm} (explicit);</li>
 *   <li>the same table behind an {@link ImplicitMatrix} of our own, handed to the engine's GEMM
 *       (implicit: no matrix in memory);</li>
 *   <li>the engine's {@link Convolution#conv2d}.</li>
 * </ol>
 * As in lesson 6, an error is measured against its rounding bound patch·u·Σ|w·x| (u = 2⁻²⁴).
 */
public final class Lesson07Im2Col {
    private Lesson07Im2Col() {}

    /**
     * {@code offsets[t·P + q]}: the pixel within a plane that tap t reads for output position q, or −1 in
     * the padding. {@code explicit}, {@code implicit}, {@code engine}: each route's worst error-to-bound
     * ratio (at most 1 when correct).
     */
    public record Result(ConvGeometry geometry, int[] offsets, float[] columns, double explicit, double implicit, double engine) {}

    /** The index map of a convolution: for tap t and output position q, the input pixel read, or −1. */
    public static int[] windowOffsets(ConvGeometry g) {
        int positions = g.outH() * g.outW();
        int[] offsets = new int[g.kernelH() * g.kernelW() * positions];
        for (int ky = 0; ky < g.kernelH(); ky++) {
            for (int kx = 0; kx < g.kernelW(); kx++) {
                int t = ky * g.kernelW() + kx;
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int iy = oy * g.strideH() - g.padTop() + ky;
                        int ix = ox * g.strideW() - g.padLeft() + kx;
                        boolean inside = iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width();
                        offsets[t * positions + oy * g.outW() + ox] = inside ? iy * g.width() + ix : -1;
                    }
                }
            }
        }
        return offsets;
    }

    /** The im2col matrix written out: rows (c, t), columns (n, q), row-major. */
    public static float[] columns(float[] x, ConvGeometry g, int[] offsets) {
        int taps = g.kernelH() * g.kernelW(), positions = g.outPlane(), cols = g.batch() * positions;
        float[] m = new float[g.channels() * taps * cols];
        for (int c = 0; c < g.channels(); c++) {
            for (int t = 0; t < taps; t++) {
                int row = (c * taps + t) * cols;
                for (int n = 0; n < g.batch(); n++) {
                    int plane = (n * g.channels() + c) * g.imagePlane();
                    for (int q = 0; q < positions; q++) {
                        int o = offsets[t * positions + q];
                        m[row + n * positions + q] = o < 0 ? 0f : x[plane + o];
                    }
                }
            }
        }
        return m;
    }

    /** The same matrix, never stored: each block the GEMM asks for is read from the image through the table. */
    static final class Windows implements ImplicitMatrix {
        private final float[] x;
        private final ConvGeometry g;
        private final int[] offsets;
        private final int taps, positions;

        Windows(float[] x, ConvGeometry g, int[] offsets) {
            this.x = x;
            this.g = g;
            this.offsets = offsets;
            this.taps = g.kernelH() * g.kernelW();
            this.positions = g.outPlane();
        }

        @Override
        public int rows() {
            return g.channels() * taps;
        }

        @Override
        public int columns() {
            return g.batch() * positions;
        }

        @Override
        public void pack(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
            for (int r = 0; r < rowCount; r++) {
                int c = (row0 + r) / taps, t = (row0 + r) % taps, base = off + r * width;
                for (int j = 0; j < colCount; j++) {
                    int n = (col0 + j) / positions, q = (col0 + j) % positions;
                    int o = offsets[t * positions + q];
                    dst[base + j] = o < 0 ? 0f : x[(n * g.channels() + c) * g.imagePlane() + o];
                }
                Arrays.fill(dst, base + colCount, base + width, 0f);   // the contract: pad the sliver with zeros
            }
        }
    }

    /**
     * Convolves x {@code [n, c, h, w]} with a weight {@code [o, c, k, k]} three ways and checks each.
     * {@code print} adds the index map and the im2col matrix (for tiny sizes).
     */
    public static Result run(PrintStream out, int n, int c, int h, int w, int o, int k, int stride, int pad, boolean print, long seed) {
        Tensor x = print ? Tensor.arange(1f, n * c * h * w + 1f, 1f).reshape(n, c, h, w) : Tensor.randn(new Rng(seed), n, c, h, w);
        Tensor weight = Tensor.randn(new Rng(seed + 1), o, c, k, k);
        Conv2dSpec spec = Conv2dSpec.of(stride, Padding.of(pad));
        ConvGeometry g = Convolution.conv2dGeometry(x, weight, null, spec);
        out.printf("Lesson 7: im2col for x [%d, %d, %d, %d], weight [%d, %d, %d, %d], stride %d, padding %d → output %d×%d%n",
                n, c, h, w, o, c, k, k, stride, pad, g.outH(), g.outW());

        int[] offsets = windowOffsets(g);
        int taps = k * k, positions = g.outPlane(), patch = c * taps, cols = n * positions;
        float[] columns = columns(x.data(), g, offsets);
        if (print) printTables(out, g, offsets, columns, x);

        // A direct convolution in double, the definition itself: the reference for all three routes.
        double[] ref = new double[o * cols], abs = new double[o * cols];
        direct(x.data(), weight.data(), g, ref, abs);

        float[] yExplicit = new float[o * cols];
        Gemm.gemm(o, cols, patch, weight.data(), columns, yExplicit);
        float[] yImplicit = new float[o * cols];
        Gemm.gemm(false, o, cols, patch, weight.data(), 0, patch, new Windows(x.data(), g, offsets), yImplicit, 0, cols, false);
        // conv2d's output is [n, o, q]; the GEMM's is [o, (n, q)]: reorder before comparing.
        float[] engine = Convolution.conv2d(x, weight, null, spec).data();
        float[] yEngine = new float[o * cols];
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < o; ch++) {
                System.arraycopy(engine, (img * o + ch) * positions, yEngine, ch * cols + img * positions, positions);
            }
        }
        double rExplicit = errorRatio(yExplicit, ref, abs, patch);
        double rImplicit = errorRatio(yImplicit, ref, abs, patch);
        double rEngine = errorRatio(yEngine, ref, abs, patch);
        out.printf("  W[%d×%d] · cols[%d×%d], written out       |Y − ref| / bound = %.4f %s%n", o, patch, patch, cols, rExplicit, verdict(rExplicit));
        out.printf("  the same through an ImplicitMatrix     |Y − ref| / bound = %.4f %s%n", rImplicit, verdict(rImplicit));
        out.printf("  the engine's Convolution.conv2d        |Y − ref| / bound = %.4f %s%n", rEngine, verdict(rEngine));
        return new Result(g, offsets, columns, rExplicit, rImplicit, rEngine);
    }

    private static String verdict(double ratio) {
        return ratio <= 1 ? "ok" : "WRONG";
    }

    private static void printTables(PrintStream out, ConvGeometry g, int[] offsets, float[] columns, Tensor x) {
        int positions = g.outPlane(), taps = g.kernelH() * g.kernelW(), cols = g.batch() * positions;
        out.printf("  the engine's geometry: output %d×%d, padding top %d, left %d%n", g.outH(), g.outW(), g.padTop(), g.padLeft());
        out.println("  the input plane, pixel index: value (values start at 1, so a 0 in the matrix below is padding):");
        for (int iy = 0; iy < g.height(); iy++) {
            StringBuilder row = new StringBuilder("    ");
            for (int ix = 0; ix < g.width(); ix++) row.append(String.format("%3d:%-5s", iy * g.width() + ix, fmt(x.data()[iy * g.width() + ix])));
            out.println(row);
        }
        out.println("  index map: which input pixel each kernel tap reads, for each output position q (. = padding)");
        StringBuilder head = new StringBuilder("    tap (ky,kx) q:");
        for (int q = 0; q < positions; q++) head.append(String.format("%4d", q));
        out.println(head);
        for (int t = 0; t < taps; t++) {
            StringBuilder row = new StringBuilder(String.format("    %3d (%d,%d)     ", t, t / g.kernelW(), t % g.kernelW()));
            for (int q = 0; q < positions; q++) {
                int o = offsets[t * positions + q];
                row.append(o < 0 ? "   ." : String.format("%4d", o));
            }
            out.println(row);
        }
        out.printf("  the im2col matrix (%d rows (c, t) × %d columns (n, q)), the values those indices read:%n", g.channels() * taps, cols);
        for (int r = 0; r < g.channels() * taps; r++) {
            StringBuilder row = new StringBuilder("    ");
            for (int j = 0; j < cols; j++) row.append(String.format("%4s", fmt(columns[r * cols + j])));
            out.println(row);
        }
    }

    private static String fmt(float v) {
        return v == Math.rint(v) ? String.valueOf((int) v) : String.format("%.2f", v);
    }

    /** The convolution by its definition, in double; {@code abs} gets Σ|w·x| for the error bound. Output [o, (n, q)]. */
    static void direct(float[] x, float[] w, ConvGeometry g, double[] ref, double[] abs) {
        int positions = g.outPlane(), cols = g.batch() * positions;
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        double s = 0, a = 0;
                        for (int c = 0; c < g.channels(); c++) {
                            for (int ky = 0; ky < g.kernelH(); ky++) {
                                for (int kx = 0; kx < g.kernelW(); kx++) {
                                    int iy = oy * g.strideH() - g.padTop() + ky, ix = ox * g.strideW() - g.padLeft() + kx;
                                    if (iy < 0 || iy >= g.height() || ix < 0 || ix >= g.width()) continue;
                                    double t = (double) w[((o * g.channels() + c) * g.kernelH() + ky) * g.kernelW() + kx]
                                            * x[((n * g.channels() + c) * g.height() + iy) * g.width() + ix];
                                    s += t;
                                    a += Math.abs(t);
                                }
                            }
                        }
                        int j = o * cols + n * positions + oy * g.outW() + ox;
                        ref[j] = s;
                        abs[j] = a;
                    }
                }
            }
        }
    }

    /** Largest |y − ref| / (patch·u·Σ|w·x|): at most 1 for a correct float convolution. */
    static double errorRatio(float[] y, double[] ref, double[] abs, int patch) {
        double worst = 0;
        for (int i = 0; i < y.length; i++) {
            double err = Math.abs(y[i] - ref[i]);
            if (err == 0) continue;
            double bound = patch * 0x1p-24 * abs[i];
            worst = Math.max(worst, bound == 0 ? Double.POSITIVE_INFINITY : err / bound);
        }
        return worst;
    }

    public static void main(String[] args) {
        run(System.out, 1, 1, 4, 4, 1, 3, 1, 1, true, 7);
        System.out.println();
        run(System.out, 2, 3, 9, 8, 4, 3, 2, 1, false, 7);
    }
}
