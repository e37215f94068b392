package ssgan.engine.kernels;

/**
 * A matrix that is never stored whole: a GEMM asks it for the blocks it needs, in the order it needs
 * them. Convolutions use it for their unrolled windows, read straight from the image while the GEMM
 * packs its operand (an "implicit GEMM"), instead of writing an im2col matrix first and reading it back.
 */
public interface ImplicitMatrix {
    int rows();

    int columns();

    /**
     * Writes rows {@code [row0, row0 + rowCount)} of columns {@code [col0, col0 + colCount)} as a block
     * {@code width} columns wide: entry (p, j) goes to {@code dst[off + p·width + j]}, and columns
     * {@code colCount ≤ j < width} are zero (a GEMM pads its edge slivers that way).
     */
    void pack(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off);

    /** Columns {@code [first, first + count)} of this matrix, as a matrix of their own (a view, nothing copied). */
    default ImplicitMatrix columns(int first, int count) {
        ImplicitMatrix whole = this;
        return new ImplicitMatrix() {
            @Override
            public int rows() {
                return whole.rows();
            }

            @Override
            public int columns() {
                return count;
            }

            @Override
            public void pack(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
                whole.pack(row0, rowCount, first + col0, colCount, width, dst, off);
            }
        };
    }
}
