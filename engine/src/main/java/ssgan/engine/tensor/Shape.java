package ssgan.engine.tensor;

import java.util.Arrays;

/** Small helpers for shapes: element counts, strides, NumPy broadcasting and readable errors. */
public final class Shape {
    private Shape() {}

    /** Number of elements of a tensor of this shape (1 for a scalar, shape {}). */
    public static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** Row-major strides: the distance in elements between neighbours along each dimension. */
    public static int[] strides(int... shape) {
        int[] s = new int[shape.length];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= shape[i];
        }
        return s;
    }

    /** The NumPy broadcast of two shapes: align on the right, each pair equal or one of them 1. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Resolves a dimension index that may be negative (-1 is the last) against a rank. */
    public static int dim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /** Resolves a single -1 in a requested shape from the element count. */
    public static int[] infer(String op, int numel, int... shape) {
        int[] out = shape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException(op + ": only one dimension may be -1 in " + str(shape));
                unknown = i;
            } else {
                if (out[i] < 0) throw new IllegalArgumentException(op + ": negative dimension in " + str(shape));
                known *= out[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + str(shape) + " for " + numel + " elements");
            }
            out[unknown] = (int) (numel / known);
        }
        if (numel(out) != numel) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " does not hold " + numel + " elements");
        }
        return out;
    }

    public static String str(int... shape) {
        return Arrays.toString(shape);
    }
}
