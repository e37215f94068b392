package ssgan.engine.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Arithmetic.mulScalar;
import static ssgan.engine.ops.MatMul.linear;
import static ssgan.engine.ops.Reductions.sum;

import org.junit.jupiter.api.Test;
import java.util.function.Function;
import ssgan.engine.ops.Activations;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.MatMul;
import ssgan.engine.ops.Padding;
import ssgan.engine.ops.Resize;
import ssgan.engine.ops.Shapes;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * The device seam, on a device whose memory is the heap ({@link HeapDevice}): ops dispatch on where their
 * inputs live, gradients flow back in device arrays, freed intermediates go back to the device, and the
 * errors name what is wrong.
 */
class DeviceSeamTest {
    private final HeapDevice device = new HeapDevice("heap:0");

    @Test
    void aGraphOnTheDeviceGivesTheCpusValueAndGradients() {
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 5, 7);
        Tensor w = Tensor.randn(rng, 3, 7).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 3).requiresGrad(true);
        Tensor y = sum(mulScalar(add(linear(x, w, b), b), 2f));
        y.backward();

        Tensor dx = x.to(device);
        Tensor dw = w.to(device).requiresGrad(true);
        Tensor db = b.to(device).requiresGrad(true);
        Tensor dy = sum(mulScalar(add(linear(dx, dw, db), db), 2f));
        assertSame(device, dy.device());
        dy.backward();

        assertEquals(y.item(), dy.item());
        assertArrayEquals(w.gradData(), dw.grad().to(Device.CPU).data());
        assertArrayEquals(b.gradData(), db.grad().to(Device.CPU).data(), "b is used twice: both contributions add up on the device");
    }

    /**
     * The convolutions, the resize and the leaky ReLU reach the device with the geometry the engine
     * resolved (stride 2, asymmetric and SAME padding, output padding, no bias), and their gradients come
     * back: the cpu's bits.
     */
    @Test
    void convolutionsResizeAndLeakyReluDispatchToTheDevice() {
        Rng rng = new Rng(8);
        sameOnBoth("conv2d SAME/2", in -> Convolution.conv2d(in[0], in[1], in[2], Conv2dSpec.same(2)),
                Tensor.randn(rng, 3, 5, 9, 8), Tensor.randn(rng, 7, 5, 3, 3), Tensor.randn(rng, 7));
        sameOnBoth("conv2d padded, no bias", in -> Convolution.conv2d(in[0], in[1], null, new Conv2dSpec(2, 1, Padding.of(1, 2, 0, 1))),
                Tensor.randn(rng, 2, 3, 7, 6), Tensor.randn(rng, 4, 3, 3, 2));
        sameOnBoth("convTranspose2d SAME/2", in -> Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.same(2)),
                Tensor.randn(rng, 3, 5, 4, 3), Tensor.randn(rng, 5, 7, 5, 5), Tensor.randn(rng, 7));
        sameOnBoth("convTranspose2d output padding", in -> Convolution.convTranspose2d(in[0], in[1], null, ConvTranspose2dSpec.of(3, 1, 2)),
                Tensor.randn(rng, 2, 3, 4, 5), Tensor.randn(rng, 3, 2, 4, 3));
        sameOnBoth("bilinear", in -> Resize.bilinear(in[0], 7, 11), Tensor.randn(rng, 2, 3, 9, 5));
        sameOnBoth("leakyRelu", in -> Activations.leakyRelu(in[0], 0.2f), Tensor.randn(rng, 3, 4, 5));
        // A device without its own linearAffine runs the two ops it stands for.
        sameOnBoth("linearAffine", in -> MatMul.linearAffine(in[0], in[1], in[2], in[3], 0.2f),
                Tensor.randn(rng, 6, 9), Tensor.randn(rng, 4, 9), Tensor.randn(rng, 4), Tensor.randn(rng, 4));
    }

    /** op on the cpu and on the device: the same value, and the same gradient for every input, bit for bit. */
    private void sameOnBoth(String what, Function<Tensor[], Tensor> op, Tensor... cpu) {
        Tensor[] onDevice = new Tensor[cpu.length];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i].requiresGrad(true);
            onDevice[i] = cpu[i].to(device).requiresGrad(true);
        }
        Tensor expected = op.apply(cpu), actual = op.apply(onDevice);
        assertSame(device, actual.device(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertArrayEquals(expected.data(), actual.to(Device.CPU).data(), what + ": value");
        Tensor gradOutput = Tensor.randn(new Rng(9), expected.shape());
        expected.backward(gradOutput);
        actual.backward(gradOutput.to(device));
        for (int i = 0; i < cpu.length; i++) {
            assertArrayEquals(cpu[i].gradData(), onDevice[i].grad().to(Device.CPU).data(), what + ": gradient of input " + i);
        }
    }

    @Test
    void parametersMoveInPlaceAndBack() {
        Tensor w = Tensor.randn(new Rng(3), 4, 5).requiresGrad(true);
        float[] values = w.data().clone();
        w.moveTo(device);
        assertTrue(w.isOnDevice());
        assertTrue(w.requiresGrad(), "a parameter stays a parameter");
        IllegalStateException e = assertThrows(IllegalStateException.class, w::data);
        assertTrue(e.getMessage().contains("heap:0") && e.getMessage().contains("to(Device.CPU)"), e.getMessage());
        w.moveTo(Device.CPU);
        assertArrayEquals(values, w.data());
        assertEquals(0, device.liveArrays(), "the device array went back when the values left");
    }

    /** Leaves moved together go into the arrays the device allocated together, each once, and come back. */
    @Test
    void leavesMoveTogetherIntoArraysAllocatedTogether() {
        Tensor a = Tensor.randn(new Rng(4), 3, 2), b = Tensor.randn(new Rng(5), 7);
        float[] aValues = a.data().clone(), bValues = b.data().clone();
        Tensor.moveAllTo(java.util.List.of(a, b, a), device);   // a tensor named twice moves once
        assertEquals(2, device.liveArrays());
        assertArrayEquals(aValues, a.to(Device.CPU).data());
        assertArrayEquals(bValues, b.to(Device.CPU).data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(3).moveInto(device.allocate(4)));
        assertTrue(e.getMessage().contains("4 floats") && e.getMessage().contains("[3]"), e.getMessage());
        Tensor.moveAllTo(java.util.List.of(a, b), Device.CPU);
        assertArrayEquals(aValues, a.data());
        assertArrayEquals(bValues, b.data());
    }

    @Test
    void mixingDevicesInOneOpIsAnErrorNamingBoth() {
        Tensor onCpu = Tensor.ones(2, 3);
        Tensor onDevice = Tensor.ones(2, 3).to(device);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add(onCpu, onDevice));
        assertEquals("add: inputs on cpu and heap:0; move them to one device first (Tensor.to or Module.moveTo)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> linear(onDevice, onCpu, null));
    }

    @Test
    void anOpTheDeviceLacksSaysSo() {
        Tensor onDevice = Tensor.ones(2, 3).to(device);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ssgan.engine.ops.Arithmetic.div(onDevice, onDevice));
        assertEquals("div has no heap:0 kernel yet; run it on the cpu (Tensor.to(Device.CPU))", e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> Shapes.transpose(onDevice, 0, 1));
        assertTrue(e2.getMessage().contains("no heap:0 kernel yet"), e2.getMessage());
    }

    @Test
    void backwardAndScopesFreeTheDeviceIntermediates() {
        Tensor w = Tensor.randn(new Rng(5), 3, 4).to(device).requiresGrad(true);
        Tensor x = Tensor.randn(new Rng(6), 6, 4).to(device);
        int before = device.liveArrays();
        Tensor loss;
        try (Storage.Scope scope = Storage.scope()) {
            Tensor h = mulScalar(linear(x, w, null), 3f);
            Tensor squares = sum(mul(h, h));
            loss = add(squares, sum(h));
            loss.backward();
            assertTrue(h.isRecycled(), "backward freed the intermediate");
            assertThrows(IllegalStateException.class, h::deviceData);
            assertTrue(squares.item() > 0, "a one-element intermediate (a loss term) stays readable through backward");
        }
        assertEquals(before + 1, device.liveArrays(), "left: w's gradient; the scope gave back even the one-element results");
        assertThrows(IllegalStateException.class, loss::item, "a device loss is read inside its scope");
        w.zeroGrad();
        assertEquals(0f, w.grad().to(Device.CPU).data()[0]);
    }

    @Test
    void devicesAreOpenedByKindAndAMissingBackendSaysSo() throws DeviceUnavailableException {
        assertSame(Device.CPU, Devices.open("cpu"));
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> Devices.open("tpu"));
        assertEquals("no tpu backend in this build: its module (engine-tpu) is not on the class path; use the cpu", e.getMessage());
    }
}
