package ssgan.app.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.device.DeviceOps;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.tensor.Tensor;

/**
 * An exponential moving average of a model's parameters, {@code avg ← avg + rate·(p − avg)}, as the
 * paper's code keeps for evaluation: the average of a noisy trajectory classifies better than its last
 * point. {@link #swapIn} puts the averages into the model (for evaluation or saving) and
 * {@link #swapOut} restores the trained values.
 *
 * <p>The average starts at the initial parameters, and a plain EMA would keep a weight of
 * {@code (1 − rate)^n} on them after n updates: still 37 % after 1/rate updates. So the n-th update uses
 * {@code max(rate, 1/(n+1))} instead: until 1/rate updates the average is the plain mean of the
 * initial point and every point since, and only then does it start to forget.
 *
 * <p>The averages live where the parameters do: after {@link #moveTo}, every update and swap runs on that
 * device ({@code DeviceOps.lerp} and {@code copy}), with the same arithmetic.
 */
public final class ParameterAverage {
    private final Map<String, Tensor> parameters;
    private final LinkedHashMap<String, Tensor> averages = new LinkedHashMap<>();
    private final float rate;
    private boolean swapped;

    public ParameterAverage(Map<String, Tensor> parameters, float rate) {
        if (!(rate > 0 && rate <= 1)) throw new IllegalArgumentException("--ema rate must be in (0, 1], got " + rate);
        this.parameters = parameters;
        this.rate = rate;
        parameters.forEach((name, p) -> averages.put(name, p.copy()));
    }

    /** Moves the averages to {@code device}, in place: do it with the model's {@code moveTo}. */
    public void moveTo(Device device) {
        Tensor.moveAllTo(averages.values(), device);   // together, like the model's parameters: one launch updates them all
    }

    /** Folds in the current parameters as the {@code n}-th update since the start (n = 1, 2, ...). */
    public void update(long n) {
        if (n < 1) throw new IllegalArgumentException("update count starts at 1, got " + n);
        float rate = (float) Math.max(this.rate, 1.0 / (n + 1));
        Wholes wholes = wholes();
        if (wholes != null) {
            wholes.device.ops().lerp(wholes.averages, wholes.parameters, rate);
            return;
        }
        parameters.forEach((name, p) -> {
            Tensor average = averageOf(name, p);
            if (p.isOnDevice()) {
                p.device().ops().lerp(average.deviceData(), p.deviceData(), rate);
                return;
            }
            Elementwise.lerp(average.data(), p.data(), rate, p.numel());
        });
    }

    /** Sets every average to its parameter's current value: the start, once the model is initialised. */
    public void restart() {
        parameters.forEach((name, p) -> {
            Tensor average = averageOf(name, p);
            if (p.isOnDevice()) p.device().ops().copy(average.deviceData(), p.deviceData());
            else System.arraycopy(p.data(), 0, average.data(), 0, p.numel());
        });
    }

    /** Copies saved averages (a checkpoint's, on the host) into these, by name; names not saved keep their values. */
    public void load(Map<String, Tensor> saved) {
        averages.forEach((name, average) -> {
            Tensor s = saved.get(name);
            if (s == null) return;
            if (s.numel() != average.numel()) {
                throw new IllegalArgumentException("averaged tensor '" + name + "' has " + s.numel() + " values, the model's " + average.numel());
            }
            float[] values = s.to(Device.CPU).data();
            if (average.isOnDevice()) average.deviceData().copyFromHost(values);
            else System.arraycopy(values, 0, average.data(), 0, values.length);
        });
    }

    /** Exchanges the model's parameters with the averages (call again with {@link #swapOut}). */
    public void swapIn() {
        if (swapped) throw new IllegalStateException("averages already swapped in");
        exchange();
        swapped = true;
    }

    public void swapOut() {
        if (!swapped) throw new IllegalStateException("averages not swapped in");
        exchange();
        swapped = false;
    }

    private void exchange() {
        Wholes wholes = wholes();
        if (wholes != null) {
            exchangeOnDevice(wholes.device, wholes.averages, wholes.parameters);
            return;
        }
        parameters.forEach((name, p) -> {
            Tensor average = averageOf(name, p);
            if (p.isOnDevice()) {
                exchangeOnDevice(p.device(), average.deviceData(), p.deviceData());
                return;
            }
            Tensor.exchangeData(p, average);   // the arrays change places: no value is copied
        });
    }

    /** Three copies through a temporary array: the device keeps both tensors' arrays where they are. */
    private static void exchangeOnDevice(Device device, DeviceArray a, DeviceArray x) {
        DeviceOps ops = device.ops();
        DeviceArray held = device.allocate(x.length());
        ops.copy(held, x);
        ops.copy(x, a);
        ops.copy(a, held);
        held.release();
    }

    /** The parameters and the averages as two arrays of one device, each a slab of them all in one order. */
    private record Wholes(Device device, DeviceArray parameters, DeviceArray averages) {}

    /** The wholes, when the parameters and the averages are each one device's slab (a model and this moved to a GPU); else null. */
    private Wholes wholes() {
        Tensor first = parameters.values().iterator().next();
        if (!first.isOnDevice()) return null;
        Device device = first.device();
        List<DeviceArray> params = new ArrayList<>(), avgs = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            Tensor average = averages.get(e.getKey());
            if (e.getValue().device() != device || average.device() != device) return null;
            params.add(e.getValue().deviceData());
            avgs.add(average.deviceData());
        }
        DeviceArray p = device.whole(params), a = device.whole(avgs);
        return p != null && a != null && p.length() == a.length() ? new Wholes(device, p, a) : null;
    }

    /** The average of parameter {@code name}, which must live on the parameter's device. */
    private Tensor averageOf(String name, Tensor p) {
        Tensor average = averages.get(name);
        if (average.device() != p.device()) {
            throw new IllegalStateException("ParameterAverage: parameter '" + name + "' is on " + p.device().name() + " and its average on "
                    + average.device().name() + "; move the average with the model (moveTo)");
        }
        return average;
    }

    /** The averages by parameter name (live tensors, on the parameters' device), for checkpoints. */
    public Map<String, Tensor> averages() {
        return averages;
    }
}
