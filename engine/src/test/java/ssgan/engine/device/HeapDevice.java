package ssgan.engine.device;

import java.util.function.Function;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Padding;
import ssgan.engine.tensor.Tensor;

/**
 * A device whose memory is the heap, for testing the device seam without an accelerator: its arrays wrap
 * {@code float[]}, and each of its ops runs the cpu op on host copies of the inputs and lifts the cpu
 * graph's backward into a device rule. So everything the seam does (dispatch, device gradients, freeing,
 * errors) is exercised, and the results can be compared bit for bit with the cpu's.
 */
public final class HeapDevice implements Device {
    private final String name;
    private int live;

    public HeapDevice(String name) {
        this.name = name;
    }

    /** Arrays allocated and not yet released. */
    public int liveArrays() {
        return live;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Array allocate(int length) {
        return new Array(new float[length]);
    }

    @Override
    public void fill(DeviceArray array, float value) {
        java.util.Arrays.fill(values(array), value);
    }

    @Override
    public void addInto(DeviceArray target, DeviceArray source) {
        float[] t = values(target), s = values(source);
        for (int i = 0; i < t.length; i++) t[i] += s[i];
    }

    @Override
    public DeviceOps ops() {
        return ops;
    }

    float[] values(DeviceArray array) {
        Array a = (Array) array;
        if (a.released) throw new IllegalStateException("a released array was used");
        return a.values;
    }

    /** A device array: a heap array this device counts. */
    public final class Array implements DeviceArray {
        private final float[] values;
        private boolean released;

        Array(float[] values) {
            this.values = values;
            live++;
        }

        @Override
        public Device device() {
            return HeapDevice.this;
        }

        @Override
        public int length() {
            return values.length;
        }

        @Override
        public void copyFromHost(float[] src) {
            System.arraycopy(src, 0, values(this), 0, values.length);
        }

        @Override
        public void copyToHost(float[] dst) {
            System.arraycopy(values(this), 0, dst, 0, values.length);
        }

        @Override
        public void release() {
            if (released) throw new IllegalStateException("an array was released twice");
            released = true;
            live--;
        }
    }

    private final DeviceOps ops = new DeviceOps() {
        @Override
        public Device device() {
            return HeapDevice.this;
        }

        @Override
        public Tensor add(Tensor a, Tensor b) {
            return lift("add", in -> ssgan.engine.ops.Arithmetic.add(in[0], in[1]), a, b);
        }

        @Override
        public Tensor mul(Tensor a, Tensor b) {
            return lift("mul", in -> ssgan.engine.ops.Arithmetic.mul(in[0], in[1]), a, b);
        }

        @Override
        public Tensor scale(String op, Tensor a, float s) {
            return lift(op, in -> ssgan.engine.ops.Arithmetic.mulScalar(in[0], s), a);
        }

        @Override
        public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
            return lift("linear", in -> ssgan.engine.ops.MatMul.linear(in[0], in[1], in[2]), x, weight, bias);
        }

        @Override
        public Tensor channelAffine(Tensor x, Tensor scale, Tensor shift, float leakySlope) {
            return lift("channelAffine", in -> ssgan.engine.ops.Normalization.channelAffine(in[0], in[1], in[2], leakySlope), x, scale, shift);
        }

        @Override
        public Tensor sum(Tensor a) {
            return lift("sum", in -> ssgan.engine.ops.Reductions.sum(in[0]), a);
        }

        @Override
        public Tensor leakyRelu(String op, Tensor a, float slope) {
            return lift(op, in -> ssgan.engine.ops.Activations.leakyRelu(in[0], slope), a);
        }

        @Override
        public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvGeometry g) {
            return lift("conv2d", in -> ssgan.engine.ops.Convolution.conv2d(in[0], in[1], in[2], conv2dSpec(g)), x, w, bias);
        }

        @Override
        public Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvGeometry g) {
            return lift("convTranspose2d", in -> ssgan.engine.ops.Convolution.convTranspose2d(in[0], in[1], in[2], convTranspose2dSpec(g)), x, w, bias);
        }

        @Override
        public Tensor bilinear(Tensor x, int outH, int outW) {
            return lift("bilinear", in -> ssgan.engine.ops.Resize.bilinear(in[0], outH, outW), x);
        }
    };

    /*
     * The cpu ops take a spec, the device ops the geometry the engine resolved it into: these give back a
     * spec with that geometry (explicit padding, the bottom and right rows the output needs), so the
     * lifted cpu op computes exactly what the engine asked for.
     */

    private static Conv2dSpec conv2dSpec(ConvGeometry g) {
        int bottom = Math.max(0, (g.outH() - 1) * g.strideH() + g.kernelH() - g.height() - g.padTop());
        int right = Math.max(0, (g.outW() - 1) * g.strideW() + g.kernelW() - g.width() - g.padLeft());
        return new Conv2dSpec(g.strideH(), g.strideW(), Padding.of(g.padTop(), bottom, g.padLeft(), right));
    }

    /** Rows the transposed output lacks at the bottom (right) come from the output padding, rows it has too many from the padding. */
    private static ConvTranspose2dSpec convTranspose2dSpec(ConvGeometry g) {
        int bottom = (g.outH() - 1) * g.strideH() + g.kernelH() - g.padTop() - g.height();
        int right = (g.outW() - 1) * g.strideW() + g.kernelW() - g.padLeft() - g.width();
        return new ConvTranspose2dSpec(g.strideH(), g.strideW(), Padding.of(g.padTop(), Math.max(bottom, 0), g.padLeft(), Math.max(right, 0)),
                Math.max(-bottom, 0), Math.max(-right, 0));
    }

    /** Runs {@code cpuOp} on host copies of {@code inputs} (nulls stay null) and records its backward as a device rule. */
    private Tensor lift(String op, Function<Tensor[], Tensor> cpuOp, Tensor... inputs) {
        Tensor[] host = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) continue;
            host[i] = Tensor.of(values(inputs[i].deviceData()), inputs[i].shape()).requiresGrad(inputs[i].requiresGrad());
        }
        Tensor out = cpuOp.apply(host);
        return Tensor.fromDeviceOp(op, new Array(out.data().clone()), out.shape(), g -> {
            out.backward(Tensor.of(values(g), out.shape()));
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] == null || !inputs[i].requiresGrad() || host[i].gradData() == null) continue;
                Array grad = new Array(host[i].gradData().clone());
                inputs[i].accumulateDeviceGrad(grad);
                grad.release();
            }
        }, java.util.Arrays.stream(inputs).filter(java.util.Objects::nonNull).toArray(Tensor[]::new));
    }
}
