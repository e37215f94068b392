package ssgan.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * The base of every layer and model, after PyTorch's {@code torch.nn.Module}.
 *
 * <p>A module owns three ordered, named collections, filled by its constructor:
 * <ul>
 *   <li>parameters: tensors the optimiser trains ({@link #registerParameter}; marked {@code requiresGrad});</li>
 *   <li>buffers: state that is saved but not trained, such as batch-norm running statistics
 *       ({@link #registerBuffer}; updated in place);</li>
 *   <li>child modules ({@link #registerModule}).</li>
 * </ul>
 * Registration is explicit (no reflection), and names compose with dots, so a model's
 * {@code conv2} child's {@code weight} is called {@code conv2.weight}, exactly as in a PyTorch
 * {@code state_dict}. That makes {@link #stateDict()} the checkpoint format.
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes this module's output for one input batch. */
    public abstract Tensor forward(Tensor input);

    // ---- registration (call from constructors) ---------------------------------------------------

    /** Registers a trainable tensor under {@code name}; marks it {@code requiresGrad(true)}; returns it. */
    protected final Tensor registerParameter(String name, Tensor parameter) {
        checkNewName(name);
        if (!parameter.isLeaf()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' was computed by an op; register a leaf tensor (use detach() or copy())");
        }
        parameters.put(name, parameter.requiresGrad(true));
        return parameter;
    }

    /** Registers saved-but-untrained state (running statistics, counters) under {@code name}; returns it. */
    protected final Tensor registerBuffer(String name, Tensor buffer) {
        checkNewName(name);
        buffers.put(name, buffer);
        return buffer;
    }

    /** Registers a child module; its names get the prefix {@code name.}; returns it. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkNewName(name);
        if (child == this) throw new IllegalArgumentException(getClass().getSimpleName() + ": a module cannot be its own child");
        children.put(name, child);
        return child;
    }

    private void checkNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' must be non-empty and contain no '.' (dots join nested names)");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the name '" + name + "' is already registered");
        }
    }

    // ---- training mode ---------------------------------------------------------------------------

    /** Training mode for this module and every descendant (dropout active, batch norm uses batch statistics). */
    public Module train() {
        return train(true);
    }

    /** Evaluation mode for this module and every descendant. */
    public Module eval() {
        return train(false);
    }

    public Module train(boolean mode) {
        training = mode;
        for (Module child : children.values()) child.train(mode);
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    // ---- traversal -------------------------------------------------------------------------------

    /** Direct children in registration order. */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module (under the name "") and every descendant with its dotted name, depth first. */
    public LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules(out, "");
        return out;
    }

    private void collectModules(Map<String, Module> out, String name) {
        out.put(name, this);
        children.forEach((childName, child) -> child.collectModules(out, name.isEmpty() ? childName : name + "." + childName));
    }

    /** This module's own parameters (not its children's), in registration order. */
    protected Map<String, Tensor> ownParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** This module's own buffers (not its children's), in registration order. */
    protected Map<String, Tensor> ownBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Every parameter with its full dotted name: own parameters first, then each child's, depth first. */
    public LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect(out, "", true, false);
        return out;
    }

    /** The parameters that require a gradient, by full name: what an optimiser updates (frozen ones left out). */
    public LinkedHashMap<String, Tensor> namedTrainableParameters() {
        LinkedHashMap<String, Tensor> out = namedParameters();
        out.values().removeIf(p -> !p.requiresGrad());
        return out;
    }

    /** Every buffer with its full dotted name, in the same order as {@link #namedParameters()}. */
    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect(out, "", false, true);
        return out;
    }

    /** The parameters in the order of {@link #namedParameters()}: what an optimiser updates. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Parameters and buffers by full name, PyTorch's {@code state_dict} order: for each module its own
     * parameters, then its own buffers, then its children. The tensors are the live ones (not copies):
     * a checkpoint writer reads them, {@link #loadStateDict} writes into them.
     */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect(out, "", true, true);
        return out;
    }

    private void collect(Map<String, Tensor> out, String prefix, boolean withParameters, boolean withBuffers) {
        if (withParameters) parameters.forEach((name, t) -> out.put(prefix + name, t));
        if (withBuffers) buffers.forEach((name, t) -> out.put(prefix + name, t));
        children.forEach((name, child) -> child.collect(out, prefix + name + ".", withParameters, withBuffers));
    }

    /**
     * Copies every entry of {@code state} into the tensor of the same name (values only; the model keeps
     * its own tensors, so optimisers holding them stay valid). Strict: the names must match exactly and
     * every shape must agree, else nothing is copied and the error lists what differs. Works on a model
     * moved to a device ({@link #moveTo}): the values are copied there.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        LinkedHashMap<String, Tensor> own = stateDict();
        TreeSet<String> missing = new TreeSet<>(own.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) problems.add("missing " + missing);
        if (!unexpected.isEmpty()) problems.add("unexpected " + unexpected);
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given != null && !Arrays.equals(given.shape(), e.getValue().shape())) {
                problems.add(e.getKey() + ": checkpoint has " + Shape.str(given.shape()) + ", model has " + Shape.str(e.getValue().shape()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            float[] src = state.get(e.getKey()).to(Device.CPU).data();
            Tensor target = e.getValue();
            if (target.isOnDevice()) target.deviceData().copyFromHost(src);   // a moved model loads where it lives
            else System.arraycopy(src, 0, target.data(), 0, src.length);
        }
    }

    /**
     * Moves every parameter and buffer to {@code device}, in place (each tensor stays the same object, so
     * optimisers and references keep working; gradients are dropped); returns this. The trainable
     * parameters (what an optimiser or an average of them updates) are allocated together
     * ({@code Tensor.moveAllTo}): on a GPU one slab, which such an update reaches in one launch.
     */
    public Module moveTo(Device device) {
        Tensor.moveAllTo(namedTrainableParameters().values(), device);
        stateDict().values().forEach(t -> t.moveTo(device));   // the rest, each on its own
        return this;
    }

    /** Sets every parameter's gradient to zero (keeping the buffers, so a training loop does not allocate). */
    public void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) n += p.numel();
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((name, child) -> sb.append("  (").append(name).append("): ")
                    .append(child.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }

    /** The layer's settings for {@link #toString()}, e.g. {@code in=784, out=10}. */
    protected String extraRepr() {
        return "";
    }
}
