package ssgan.examples;

import java.io.PrintStream;
import java.util.Arrays;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * Lesson 2: a tensor is a shape and one flat array.
 *
 * <p>A {@link Tensor} holds its values in a single {@code float[]}, in <b>row-major</b> order: the last
 * index moves fastest. For a shape {@code [A, B, C]} the element {@code (i, j, k)} lives at
 * <pre>
 *   offset = (i·B + j)·C + k = i·strides[0] + j·strides[1] + k·strides[2],   strides = [B·C, C, 1]
 * </pre>
 * The stride of a dimension is how far you move in the array when that index grows by one. Images are
 * stored NCHW ({@code [batch, channels, height, width]}), so one image's one channel, a plane, is a
 * contiguous run of H·W floats: that is what the convolution kernels of lesson 7 walk over.
 *
 * <p>Because the array is always contiguous, <b>reshape costs nothing</b>: the same array is seen with
 * another shape, and no value moves. The flip side: the reshaped tensor <i>shares storage</i> with the
 * original, so writing through one is visible through the other (PyTorch's {@code view} behaves the
 * same). {@link Tensor#copy()} is how you get an independent array. (Transposes and permutations do move
 * values here: the engine has no strided views, so every tensor stays contiguous and every kernel can
 * assume it.)
 */
public final class Lesson02Tensors {
    private Lesson02Tensors() {}

    /**
     * What the lesson found for a tensor {@code arange(a·b·c)} of shape {@code [a, b, c]}.
     * {@code indexingMatches}: every {@code get(i, j, k)} equals {@code data[i·s0 + j·s1 + k·s2]};
     * {@code reshapeShares}: a write through the reshaped tensor shows in the original;
     * {@code copyShares}: the same for a copy (it should not).
     */
    public record Result(int[] shape, int[] strides, boolean indexingMatches, boolean reshapeShares, boolean copyShares) {}

    public static Result run(PrintStream out, int a, int b, int c) {
        out.printf("Lesson 2: tensors (shape [%d, %d, %d])%n", a, b, c);

        // Creation: arange fills 0, 1, 2, ... in storage order, which makes the layout visible.
        Tensor t = Tensor.arange(a * b * c).reshape(a, b, c);
        int[] strides = Shape.strides(t.shape());
        out.printf("  t = arange(%d).reshape(%d, %d, %d): shape %s, %d elements, strides %s%n",
                a * b * c, a, b, c, Shape.str(t.shape()), t.numel(), Arrays.toString(strides));

        // Row-major indexing: the offset is the dot product of the index with the strides.
        boolean indexing = true;
        float[] data = t.data();
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < c; k++) {
                    int offset = i * strides[0] + j * strides[1] + k * strides[2];
                    indexing &= t.get(i, j, k) == data[offset];
                }
            }
        }
        int li = a - 1, lj = b - 1, lk = c - 1;
        out.printf("  t.get(%d, %d, %d) = %s, data[%d·%d + %d·%d + %d] = %s  (row-major indexing %s)%n",
                li, lj, lk, t.get(li, lj, lk), li, strides[0], lj, strides[1], lk, data[li * strides[0] + lj * strides[1] + lk],
                indexing ? "holds for every element" : "FAILS");

        // The first matrix of t, printed row by row: each row is a contiguous run of c values.
        out.println("  t[0] (a " + b + "×" + c + " matrix, one row per line):");
        for (int j = 0; j < b; j++) {
            StringBuilder row = new StringBuilder("    ");
            for (int k = 0; k < c; k++) row.append(String.format("%6.0f", t.get(0, j, k)));
            out.println(row);
        }

        // Reshape shares storage: write through the view, read through the original.
        Tensor flat = t.reshape(a * b, c);
        flat.set(-1f, 0, 0);
        boolean shares = t.get(0, 0, 0) == -1f && flat.data() == t.data();
        out.printf("  m = t.reshape(%d, %d); m.set(-1, 0, 0) → t.get(0, 0, 0) = %s: %s%n",
                a * b, c, t.get(0, 0, 0), shares ? "the same array, nothing was copied" : "NOT shared");

        // A copy does not.
        Tensor copy = t.copy();
        copy.set(-2f, 0, 0, 0);
        boolean copyShares = t.get(0, 0, 0) == -2f;
        out.printf("  u = t.copy(); u.set(-2, 0, 0, 0) → t.get(0, 0, 0) = %s: %s%n",
                t.get(0, 0, 0), copyShares ? "SHARED (unexpected)" : "the copy has its own array");
        return new Result(t.shape(), strides, indexing, shares, copyShares);
    }

    public static void main(String[] args) {
        run(System.out, 2, 3, 4);
    }
}
