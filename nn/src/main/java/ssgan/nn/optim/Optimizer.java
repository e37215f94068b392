package ssgan.nn.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Tensor;

/**
 * The base of the optimisers: a learning rate and a named set of parameters, after PyTorch's
 * {@code torch.optim.Optimizer} with one parameter group.
 *
 * <p>Parameters are given by name ({@code model.namedParameters()}) so that the optimiser's
 * {@link #state()} can be keyed by the same names as the model's checkpoint, e.g.
 * {@code exp_avg.conv2.weight}. A training loop reads:
 * <pre>{@code
 * optimizer.zeroGrad();
 * loss.backward();
 * optimizer.step();
 * }</pre>
 */
public abstract class Optimizer {
    private final LinkedHashMap<String, Tensor> parameters;
    private float lr;
    /** On a device: the gradient buffers zeroGrad gave the parameters, allocated together. */
    private List<DeviceArray> groupedGrads;

    protected Optimizer(Map<String, Tensor> parameters, float lr) {
        if (parameters.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimise");
        IdentityHashMap<Tensor, String> seen = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            Tensor p = e.getValue();
            if (!p.requiresGrad()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + e.getKey() + "' does not require a gradient");
            }
            String other = seen.put(p, e.getKey());
            if (other != null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": the same tensor is given twice, as '" + other + "' and '" + e.getKey() + "'");
            }
        }
        this.parameters = new LinkedHashMap<>(parameters);
        setLr(lr);
    }

    /** Applies one update to every parameter that has a gradient (parameters without one are skipped). */
    public abstract void step();

    /**
     * The optimiser's state as named tensors, ready to save next to the model's state dict. Moment
     * tensors are live views of the optimiser's arrays (no copy); counters are fresh scalars.
     */
    public abstract LinkedHashMap<String, Tensor> state();

    /** Replaces the whole state with {@code state} (as produced by {@link #state()}); values are copied. */
    public abstract void loadState(Map<String, Tensor> state);

    /**
     * Sets every parameter's gradient to zero. On a device, the first call gives the parameters new
     * gradient buffers allocated together ({@code Device.allocateTogether}); on a GPU they are one slab,
     * and every call after is one launch over it.
     */
    public void zeroGrad() {
        Device device = parameters.values().iterator().next().device();
        if (device.isCpu() || parameters.values().stream().anyMatch(p -> p.device() != device)) {
            long start = OpProfile.start();
            for (Tensor p : parameters.values()) {
                float[] grad = p.gradData();
                if (grad != null) Elementwise.fill(grad, 0f, grad.length);   // split across the cores, like every pass over 2 M values
                else p.zeroGrad();
            }
            OpProfile.record("zeroGrad", false, start);
            return;
        }
        List<DeviceArray> grads = new ArrayList<>();
        for (Tensor p : parameters.values()) grads.add(p.deviceGradData());
        if (!grads.equals(groupedGrads)) {
            int[] lengths = parameters.values().stream().mapToInt(Tensor::numel).toArray();
            grads = device.allocateTogether(lengths);
            int i = 0;
            for (Tensor p : parameters.values()) p.useDeviceGrad(grads.get(i++));
            groupedGrads = grads;
        }
        DeviceArray whole = device.whole(grads);
        if (whole != null) device.fill(whole, 0f);
        else grads.forEach(g -> device.fill(g, 0f));
    }

    public float lr() {
        return lr;
    }

    /** Changes the learning rate from the next step on (a schedule calls this once per epoch). */
    public void setLr(float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be finite and >= 0, got " + lr);
        }
        this.lr = lr;
    }

    /** The parameters by name, in the order given. */
    public Map<String, Tensor> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    // ---- helpers for subclasses' loadState ------------------------------------------------------

    /** The parameter named {@code key} minus {@code prefix}, or an error naming the bad key. */
    protected Tensor parameterFor(String key, String prefix) {
        Tensor p = key.startsWith(prefix) ? parameters.get(key.substring(prefix.length())) : null;
        if (p == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: '" + key + "' names no parameter of this optimiser");
        }
        return p;
    }

    /** Checks that a saved tensor has the parameter's element count and returns a copy of its data. */
    protected static float[] copyMatching(String key, Tensor saved, Tensor parameter) {
        if (saved.numel() != parameter.numel()) {
            throw new IllegalArgumentException("loadState: '" + key + "' has " + saved.numel() + " elements, the parameter has " + parameter.numel());
        }
        return saved.data().clone();
    }
}
