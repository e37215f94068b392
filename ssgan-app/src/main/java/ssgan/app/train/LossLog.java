package ssgan.app.train;

import java.util.ArrayList;
import java.util.List;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;

/**
 * The losses of the iterations the trainer has not looked at yet. On the cpu a loss is read as soon as it
 * is added: it is already there, and the trainer then checks every iteration before the next, as it always
 * has. On a device, reading a loss makes the host wait until the device has finished the step, which would
 * leave the GPU idle while the host prepares the next one; so the losses are copied into an array on the
 * device (three floats an iteration, queued like the step's kernels) and read in one copy when the log is
 * full or the trainer needs them (an evaluation, the end of the run).
 */
final class LossLog {
    /** Iterations between reads on a device: one wait for the device per this many steps. */
    static final int DEVICE_CAPACITY = 100;

    private final Device device;
    private final int capacity;
    private final DeviceArray pending;   // on a device: three floats per iteration not yet read; null on the cpu
    private final List<SsganStep.Losses> read = new ArrayList<>();
    private int count;

    /** A log for a run on {@code device}: read every iteration on the cpu, every {@link #DEVICE_CAPACITY} elsewhere. */
    static LossLog on(Device device) {
        return new LossLog(device, device.isCpu() ? 1 : DEVICE_CAPACITY);
    }

    LossLog(Device device, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("a loss log holds at least one iteration, not " + capacity);
        this.device = device;
        this.capacity = capacity;
        this.pending = device.isCpu() ? null : device.allocate(3 * capacity);
    }

    /** Adds an iteration's losses; call it inside the step's scope, while they exist. Not when {@link #full}. */
    void add(SsganStep.LossTensors losses) {
        if (full()) throw new IllegalStateException("the loss log is full: drain it first");
        if (pending == null) {
            read.add(losses.read());
        } else {
            device.ops().copy(pending, 3 * count, losses.supervised().deviceData());
            device.ops().copy(pending, 3 * count + 1, losses.unsupervised().deviceData());
            device.ops().copy(pending, 3 * count + 2, losses.generator().deviceData());
        }
        count++;
    }

    boolean full() {
        return count == capacity;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** The losses added since the last drain, oldest first; on a device the host waits here for the device. */
    List<SsganStep.Losses> drain() {
        List<SsganStep.Losses> losses = new ArrayList<>(read);
        if (pending != null && count > 0) {
            float[] values = new float[pending.length()];
            pending.copyToHost(values);
            for (int i = 0; i < count; i++) losses.add(new SsganStep.Losses(values[3 * i], values[3 * i + 1], values[3 * i + 2]));
        }
        read.clear();
        count = 0;
        return losses;
    }
}
