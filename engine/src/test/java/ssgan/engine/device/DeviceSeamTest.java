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
import ssgan.engine.ops.Activations;
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
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> Activations.relu(onDevice));
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
