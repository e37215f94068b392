package ssgan.cuda;

import java.util.ArrayList;
import java.util.List;
import ssgan.engine.device.DeviceArray;

/**
 * {@link #length()} floats of GPU memory. {@link #release()} hands the memory back to its device's free
 * list for the next array of the same length; using the array afterwards is an error, not a read of
 * someone else's values. An array may be a part of a {@link Slab}: its memory goes back with the last
 * of the slab's parts.
 */
public final class CudaArray implements DeviceArray {
    private final CudaDevice device;
    private final int length;
    private final long address;
    /** The slab this array is a part of, or null. */
    private final Slab slab;
    private boolean released;

    CudaArray(CudaDevice device, int length, long address) {
        this(device, length, address, null);
    }

    CudaArray(CudaDevice device, int length, long address, Slab slab) {
        this.device = device;
        this.length = length;
        this.address = address;
        this.slab = slab;
    }

    /**
     * Arrays allocated together ({@code Device.allocateTogether}): parts laid end to end in one array, the
     * whole, so that one launch over the whole reaches them all. The whole is not handed out as an array
     * of its own, only through {@link CudaDevice#whole}; it is released when every part is.
     */
    static final class Slab {
        final CudaArray whole;
        final List<CudaArray> parts = new ArrayList<>();
        private int released;

        Slab(CudaArray whole) {
            this.whole = whole;
        }

        /** True while no part has been released: then the parts still are the whole. */
        boolean intact() {
            return released == 0;
        }

        private void partReleased() {
            if (++released == parts.size()) whole.release();
        }
    }

    /** The slab this array is a part of, or null. */
    Slab slab() {
        return slab;
    }

    /** The device address of element 0, for kernel arguments (0 for an empty array). */
    public long address() {
        if (released) throw new IllegalStateException("this cuda array of " + length + " floats was released and its memory reused");
        return address;
    }

    /** The device address of element {@code index}. */
    public long address(int index) {
        return address() + (long) index * Float.BYTES;
    }

    @Override
    public CudaDevice device() {
        return device;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void copyFromHost(float[] src) {
        checkHostArray("copyFromHost", src);
        if (length > 0) device.copyToDevice(address(), src, length);
    }

    @Override
    public void copyToHost(float[] dst) {
        checkHostArray("copyToHost", dst);
        if (length > 0) device.copyToHost(dst, address(), length);
    }

    @Override
    public void release() {
        address(); // fails on a second release
        released = true;
        if (slab != null) slab.partReleased();
        else device.recycle(length, address);
    }

    private void checkHostArray(String op, float[] host) {
        if (host.length < length) {
            throw new IllegalArgumentException(op + ": a host array of " + host.length + " floats for a cuda array of " + length);
        }
    }

    @Override
    public String toString() {
        return "CudaArray[" + length + " floats on " + device.name() + (released ? ", released]" : "]");
    }
}
