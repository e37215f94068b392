package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.cuda.CudaDevice;
import ssgan.cuda.EmulatedCuda;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

class LossLogTest {
    /** Three one-element tensors on {@code device} holding {@code base}, {@code base + 0.25}, {@code base + 0.5}. */
    private static SsganStep.LossTensors losses(float base, Device device) {
        return new SsganStep.LossTensors(scalar(base, device), scalar(base + 0.25f, device), scalar(base + 0.5f, device));
    }

    private static Tensor scalar(float value, Device device) {
        Tensor t = Tensor.of(new float[] {value}, 1);
        return device.isCpu() ? t : t.to(device);
    }

    @Test
    void onTheCpuEachIterationIsReadAtOnce() {
        LossLog log = LossLog.on(Device.CPU);
        assertTrue(log.isEmpty());
        log.add(losses(1, Device.CPU));
        assertTrue(log.full(), "the trainer checks every iteration on the cpu");
        assertThrows(IllegalStateException.class, () -> log.add(losses(2, Device.CPU)));
        assertEquals(List.of(new SsganStep.Losses(1f, 1.25f, 1.5f)), log.drain());
        assertTrue(log.isEmpty());
    }

    /** On a device the losses outlive the steps' scopes in the log's own array, and come back in order in one copy. */
    @Test
    void onADeviceTheLossesOfManyStepsComeBackInOrderInOneCopy() {
        CudaDevice device = EmulatedCuda.device();
        LossLog log = new LossLog(device, 3);
        long before = EmulatedCuda.blockingCopies(device);
        for (int i = 0; i < 3; i++) {
            assertFalse(log.full());
            try (Storage.Scope scope = Storage.scope()) {   // as in a training step: the tensors go when it closes
                log.add(losses(i, device));
            }
        }
        assertTrue(log.full());
        assertEquals(0, EmulatedCuda.blockingCopies(device) - before, "nothing waited for the device while adding");
        assertEquals(List.of(new SsganStep.Losses(0f, 0.25f, 0.5f), new SsganStep.Losses(1f, 1.25f, 1.5f), new SsganStep.Losses(2f, 2.25f, 2.5f)),
                log.drain());
        assertEquals(1, EmulatedCuda.blockingCopies(device) - before, "one copy for all three");
        try (Storage.Scope scope = Storage.scope()) {
            log.add(losses(-1, device));
        }
        assertEquals(List.of(new SsganStep.Losses(-1f, -0.75f, -0.5f)), log.drain(), "a partial log, after a full one");
    }
}
