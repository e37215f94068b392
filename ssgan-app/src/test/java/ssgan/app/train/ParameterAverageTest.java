package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ssgan.cuda.EmulatedCuda;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class ParameterAverageTest {
    @Test
    void startsAsThePlainMeanOfEveryPointThenForgetsAtItsRate() {
        Tensor p = Tensor.wrap(new float[] {0f, 10f}, 2);
        float rate = 0.1f;
        ParameterAverage avg = new ParameterAverage(Map.of("p", p), rate);
        double[] sum = {0, 10};  // the starting point counts
        double[] ema = new double[2];
        for (int n = 1; n <= 40; n++) {
            p.data()[0] = n;
            p.data()[1] = 10 - 3 * n;
            avg.update(n);
            float[] a = avg.averages().get("p").data();
            if (n < 1 / rate) {
                sum[0] += n;
                sum[1] += 10 - 3 * n;
                assertEquals(sum[0] / (n + 1), a[0], 1e-4, "mean of the first " + (n + 1) + " points");
                assertEquals(sum[1] / (n + 1), a[1], 1e-4);
                ema[0] = a[0];
                ema[1] = a[1];
            } else {
                ema[0] += rate * (n - ema[0]);
                ema[1] += rate * (10 - 3 * n - ema[1]);
                assertEquals(ema[0], a[0], 1e-3, "the plain moving average from then on, update " + n);
                assertEquals(ema[1], a[1], 1e-3);
            }
        }
    }

    /**
     * The same updates, swaps, restart and load on the emulated cuda device as on the cpu, to the bit: the
     * emulator's lerp is the cpu loop's float arithmetic. (A GPU may fuse the multiply-add, one rounding
     * fewer; engine-cuda's CudaKernelsTest bounds that.)
     */
    @Test
    void onADeviceItAveragesAndSwapsAsOnTheCpu() {
        Device device = EmulatedCuda.device();
        Map<String, Tensor> cpu = parameters(), moved = parameters();
        ParameterAverage onCpu = new ParameterAverage(cpu, 0.3f), onDevice = new ParameterAverage(moved, 0.3f);
        moved.values().forEach(p -> p.moveTo(device));
        onDevice.moveTo(device);
        Rng steps = new Rng(8);
        for (int n = 1; n <= 6; n++) {
            float[] delta = new float[7];
            steps.fillGaussian(delta, 0, delta.length, 0f, 1f);
            for (Map<String, Tensor> params : List.of(cpu, moved)) {
                params.forEach((name, p) -> {
                    float[] values = p.to(Device.CPU).data().clone();
                    for (int i = 0; i < values.length; i++) values[i] += delta[i % delta.length];
                    if (p.isOnDevice()) p.deviceData().copyFromHost(values);
                    else System.arraycopy(values, 0, p.data(), 0, values.length);
                });
            }
            onCpu.update(n);
            onDevice.update(n);
            if (n == 2) {
                onCpu.restart();
                onDevice.restart();
            }
        }
        assertSameValues(onCpu.averages(), onDevice.averages(), "averages");
        onCpu.swapIn();
        onDevice.swapIn();
        assertSameValues(cpu, moved, "parameters while swapped in");
        assertSameValues(onCpu.averages(), onDevice.averages(), "the trained values, held while swapped in");
        onCpu.swapOut();
        onDevice.swapOut();
        assertSameValues(cpu, moved, "parameters swapped back");
        moved.values().forEach(p -> assertSame(device, p.device(), "the parameters stay on the device"));

        Map<String, Tensor> saved = new LinkedHashMap<>();
        onCpu.averages().forEach((name, a) -> saved.put(name, a.copy()));
        onDevice.update(7);
        onDevice.load(saved);
        assertSameValues(onCpu.averages(), onDevice.averages(), "loaded from host copies");

        moved.get("w").moveTo(Device.CPU);
        assertThrows(IllegalStateException.class, () -> onDevice.update(8), "an average on another device than its parameter");
    }

    private static Map<String, Tensor> parameters() {
        Rng rng = new Rng(5);
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("w", Tensor.randn(rng, 3, 5));
        p.put("b", Tensor.randn(rng, 3));
        return p;
    }

    private static void assertSameValues(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, e) -> assertArrayEquals(e.to(Device.CPU).data(), actual.get(name).to(Device.CPU).data(), what + ": " + name));
    }
}
