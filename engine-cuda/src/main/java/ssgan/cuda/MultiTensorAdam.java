package ssgan.cuda;

import java.util.Arrays;
import java.util.List;
import ssgan.engine.device.DeviceAdam;
import ssgan.engine.device.DeviceArray;

/**
 * Adam for every parameter tensor of a model in one kernel launch (adam.cu): the {@link DeviceAdam} that
 * nn's Adam gets on this device, one per optimiser. The kernel reads the tensors through tables of device
 * addresses; those are uploaded when the set of arrays changes (the first step, or when a gradient buffer
 * was replaced), so a steady training loop launches one kernel per step and copies nothing.
 */
public final class MultiTensorAdam implements DeviceAdam {
    /** A grid's y dimension, one tensor per row, is at most 65535. */
    static final int MAX_TENSORS = 65535;

    private final CudaDevice device;
    /** The addresses in the device tables, one row per table: params, grads, exp_avgs, exp_avg_sqs. */
    private long[][] uploaded = new long[0][];
    private int[] uploadedSizes = new int[0];
    /** The tables on the device: four of addresses (two floats' room each), one of sizes. */
    private CudaArray[] tables = new CudaArray[0];

    public MultiTensorAdam(CudaDevice device) {
        this.device = device;
    }

    /**
     * Updates every {@code params[i]} with {@code grads[i]}, and its moments {@code expAvgs[i]} and
     * {@code expAvgSqs[i]} in place; the lists run in parallel, and each tensor's four arrays have one length.
     */
    @Override
    public void step(List<? extends DeviceArray> params, List<? extends DeviceArray> grads, List<? extends DeviceArray> expAvgs,
                     List<? extends DeviceArray> expAvgSqs, Coefficients c) {
        int count = params.size();
        if (grads.size() != count || expAvgs.size() != count || expAvgSqs.size() != count) {
            throw new IllegalArgumentException("adam: " + count + " parameters, " + grads.size() + " gradients, "
                    + expAvgs.size() + " and " + expAvgSqs.size() + " moments");
        }
        if (count == 0) return;
        if (count > MAX_TENSORS) throw new IllegalArgumentException("adam: " + count + " tensors; one launch takes at most " + MAX_TENSORS);
        int[] sizes = new int[count];
        int longest = 0;
        for (int i = 0; i < count; i++) {
            sizes[i] = params.get(i).length();
            if (grads.get(i).length() != sizes[i] || expAvgs.get(i).length() != sizes[i] || expAvgSqs.get(i).length() != sizes[i]) {
                throw new IllegalArgumentException("adam: tensor " + i + " has " + sizes[i] + " parameters but a gradient or moment of another length");
            }
            longest = Math.max(longest, sizes[i]);
        }
        long[][] addresses = {addresses(params), addresses(grads), addresses(expAvgs), addresses(expAvgSqs)};
        if (!Arrays.deepEquals(addresses, uploaded) || !Arrays.equals(sizes, uploadedSizes)) upload(addresses, sizes);
        float[] struct = {c.beta1(), c.oneMinusBeta1(), c.beta2(), c.oneMinusBeta2(), c.l2(), c.decay(), c.stepSize(),
            c.invBiasCorrection2(), c.epsInside(), c.epsOutside()}; // adam.cu's AdamCoefficients
        device.kernels().launchAdam(CudaKernels.blocks(longest), count, tables[0].address(), tables[1].address(),
                tables[2].address(), tables[3].address(), tables[4].address(), struct);
    }

    private void upload(long[][] addresses, int[] sizes) {
        for (CudaArray t : tables) t.release();
        int count = sizes.length;
        tables = new CudaArray[5];
        for (int i = 0; i < 4; i++) {
            tables[i] = device.allocate(2 * count); // a 64-bit address takes two floats' room
            device.api().copyToDevice(tables[i].address(), addresses[i]);
        }
        tables[4] = device.allocate(count);
        device.api().copyToDevice(tables[4].address(), sizes);
        uploaded = addresses;
        uploadedSizes = sizes;
    }

    private long[] addresses(List<? extends DeviceArray> arrays) {
        long[] a = new long[arrays.size()];
        for (int i = 0; i < a.length; i++) a[i] = device.cuda(arrays.get(i)).address();
        return a;
    }
}
