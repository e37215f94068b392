package ssgan.nn.data;

import java.util.Arrays;

/**
 * The content of an IDX file of unsigned bytes: its dimensions and its elements, row-major.
 * Labels are rank 1 ({@code [N]}), images rank 3 ({@code [N, rows, cols]}).
 */
public record IdxArray(int[] dims, byte[] data) {
    public IdxArray {
        if (dims.length < 1 || dims.length > 255) throw new IllegalArgumentException("IDX rank must be 1..255, got " + dims.length);
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative IDX dimension in " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("IDX dimensions " + Arrays.toString(dims) + " exceed 2^31-1 elements");
        }
        if (n != data.length) throw new IllegalArgumentException("IDX dimensions " + Arrays.toString(dims) + " need " + n + " bytes, got " + data.length);
        dims = dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** The first dimension: how many labels or images. */
    public int count() {
        return dims[0];
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Element {@code i} as the unsigned value 0..255 it stands for. */
    public int unsigned(int i) {
        return data[i] & 0xFF;
    }

    /** The magic number IDX writes for this array: 0x0000_08_rank (0x08 = unsigned byte). */
    public int magic() {
        return Idx.UNSIGNED_BYTE << 8 | dims.length;
    }
}
