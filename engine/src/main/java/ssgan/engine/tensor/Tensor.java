package ssgan.engine.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import ssgan.engine.autograd.Backward;
import ssgan.engine.autograd.DeviceBackward;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.autograd.Graph;
import ssgan.engine.autograd.Node;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;

/**
 * A float32 tensor: a shape and a contiguous row-major {@code float[]}, plus what reverse-mode autograd
 * needs: whether it requires a gradient, its gradient buffer, and the {@link Node} that made it.
 *
 * <p>Ops live in {@code ssgan.engine.ops}; each builds its result with {@link #fromOp}, which records the
 * node only when some input requires a gradient and {@link GradMode} is on. {@link #reshape} and
 * {@link #view} share storage with their input; every other op writes an array from {@link Storage}, which
 * takes it back once the result is freed (see there): reading a freed result is an error, not stale data.
 *
 * <p>A tensor on another {@link Device} holds a {@link DeviceArray} instead of the {@code float[]} (one of
 * the two is null), and so does its gradient; its ops run on that device (see {@link Device}).
 */
public final class Tensor {
    private float[] data;
    private DeviceArray deviceData;
    private final int[] shape;
    private final int numel;
    private boolean requiresGrad;
    private float[] grad;
    private DeviceArray deviceGrad;
    private Node node;
    private boolean graphFreed;
    /** The op result whose array this is (this one, or the one a view was made from); null for arrays the user gave. */
    private Tensor owner;
    /** Set on an owner once its array went back to {@link Storage}. */
    private boolean recycled;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
        this.numel = data.length;
    }

    private Tensor(DeviceArray deviceData, int[] shape) {
        this.deviceData = deviceData;
        this.shape = shape;
        this.numel = deviceData.length();
    }

    // ---- creation -------------------------------------------------------------------------------

    /** Wraps {@code data} without copying; it must hold exactly {@code numel(shape)} values. */
    public static Tensor wrap(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException("wrap: " + data.length + " values do not fill shape " + Shape.str(shape) + " (" + n + " elements)");
        }
        return new Tensor(data, shape.clone());
    }

    /** A tensor holding a copy of {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A 0-dimensional tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.numel(shape)], shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** 0, 1, ..., n-1 as a 1-D tensor. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** start, start+step, ... while below {@code end} (above it for a negative step). */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must not be 0");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return new Tensor(d, new int[] {n});
    }

    /** Standard normal samples from {@code rng}. */
    public static Tensor randn(Rng rng, int... shape) {
        Tensor t = zeros(shape);
        rng.fillGaussian(t.data, 0, t.data.length, 0f, 1f);
        return t;
    }

    /** Uniform samples in [0, 1) from {@code rng}. */
    public static Tensor rand(Rng rng, int... shape) {
        Tensor t = zeros(shape);
        rng.fillUniform(t.data, 0, t.data.length, 0f, 1f);
        return t;
    }

    /**
     * The result of an op. Records {@code backward} as this tensor's node only when grad mode is on and
     * some input requires a gradient; otherwise the result is a plain constant.
     */
    public static Tensor fromOp(String op, float[] data, int[] shape, Backward backward, Tensor... inputs) {
        Tensor out = wrap(data, shape);
        out.owner = out;
        for (Tensor in : inputs) {
            if (in.data == data) out.owner = in.owner;   // a view: the input's array, the input's owner
        }
        if (out.owner == out) Storage.enter(out);
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in.requiresGrad) {
                    out.requiresGrad = true;
                    out.node = new Node(op, inputs, backward);
                    break;
                }
            }
        }
        return out;
    }

    /** Wraps a device array without copying (a leaf); it must hold exactly {@code numel(shape)} values. */
    public static Tensor onDevice(DeviceArray data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length() != n) {
            throw new IllegalArgumentException("onDevice: " + data.length() + " values do not fill shape " + Shape.str(shape) + " (" + n + " elements)");
        }
        return new Tensor(data, shape.clone());
    }

    /**
     * {@link #fromOp} for an op that ran on a device: the result holds {@code data}, and its rule receives
     * the output's gradient as a device array.
     */
    public static Tensor fromDeviceOp(String op, DeviceArray data, int[] shape, DeviceBackward backward, Tensor... inputs) {
        Tensor out = onDevice(data, shape);
        out.owner = out;
        for (Tensor in : inputs) {
            if (in.deviceData == data) out.owner = in.owner;   // a view: the input's array, the input's owner
        }
        if (out.owner == out) Storage.enter(out);   // a scope frees device results too
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in.requiresGrad) {
                    out.requiresGrad = true;
                    out.node = new Node(op, inputs, null, backward);
                    break;
                }
            }
        }
        return out;
    }

    // ---- devices --------------------------------------------------------------------------------

    /** Where the values live: {@link Device#CPU} for a {@code float[]}. */
    public Device device() {
        return deviceData == null ? Device.CPU : deviceData.device();
    }

    public boolean isOnDevice() {
        return deviceData != null;
    }

    /** The device array itself, for that device's kernels. */
    public DeviceArray deviceData() {
        if (deviceData == null) throw new IllegalStateException("deviceData: this " + Shape.str(shape) + " tensor is on the cpu; its values are data()");
        checkNotRecycled();
        return deviceData;
    }

    /**
     * A copy of the values on {@code device} (this tensor itself when it is already there), cut off from
     * the graph. For a model's parameters, which must stay the same objects, see {@link #moveTo}.
     */
    public Tensor to(Device device) {
        if (device == device()) return this;
        return device.isCpu() ? new Tensor(hostCopy(), shape) : new Tensor(upload(device), shape);
    }

    /**
     * Moves a leaf's values to {@code device} in place, dropping its gradient: parameters and optimiser
     * state keep their identity (and the modules and optimisers that hold them keep working).
     */
    public void moveTo(Device device) {
        checkLeaf("moveTo");
        if (device == device()) return;
        if (device.isCpu()) {
            float[] host = hostCopy();
            deviceData.release();
            deviceData = null;
            data = host;
            clearGrad();
        } else {
            moveInto(device.allocate(numel));
        }
    }

    /**
     * {@link #moveTo} into {@code storage}, an array of this tensor's length on another device that it
     * takes over (one of {@code Device.allocateTogether}'s, say).
     */
    public void moveInto(DeviceArray storage) {
        checkLeaf("moveInto");
        if (storage.length() != numel) {
            throw new IllegalArgumentException("moveInto: an array of " + storage.length() + " floats for a tensor of shape " + Shape.str(shape));
        }
        if (storage.device() == device()) throw new IllegalArgumentException("moveInto: the tensor is on " + device().name() + " already");
        storage.copyFromHost(hostCopy());
        if (deviceData != null) deviceData.release();
        deviceData = storage;
        data = null;
        clearGrad();
    }

    /**
     * Moves the leaves {@code tensors} to {@code device} in place, like {@link #moveTo} each, into arrays
     * allocated together ({@code Device.allocateTogether}): a model's parameters, say, so that an op over
     * all of them can be one launch.
     */
    public static void moveAllTo(Collection<Tensor> tensors, Device device) {
        List<Tensor> moving = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());   // a tensor shared by two modules moves once
        for (Tensor t : tensors) if (t.device() != device && seen.add(t)) moving.add(t);
        if (device.isCpu()) {
            moving.forEach(t -> t.moveTo(device));
            return;
        }
        int[] lengths = moving.stream().mapToInt(Tensor::numel).toArray();
        List<DeviceArray> arrays = device.allocateTogether(lengths);
        for (int i = 0; i < lengths.length; i++) moving.get(i).moveInto(arrays.get(i));
    }

    private void checkLeaf(String op) {
        if (node != null) throw new IllegalStateException(op + ": only leaves move in place; this tensor was made by " + node.op() + " (use to())");
    }

    private float[] hostCopy() {
        if (deviceData == null) return data().clone();
        float[] host = new float[numel];
        deviceData().copyToHost(host);
        return host;
    }

    private DeviceArray upload(Device device) {
        DeviceArray array = device.allocate(numel);
        array.copyFromHost(hostCopy());
        return array;
    }

    // ---- shape and data -------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    /** Size along {@code d}; negative counts from the end. */
    public int size(int d) {
        return shape[Shape.dim("size", d, shape.length)];
    }

    public int numel() {
        return numel;
    }

    /** The backing array itself (row-major), for kernels. Writing to it bypasses autograd. */
    public float[] data() {
        if (deviceData != null) {
            throw new IllegalStateException("this " + Shape.str(shape) + " tensor is on " + device().name() + ", where the cpu's "
                    + "kernels cannot read it: the op has no " + device().name() + " kernel yet, or the values are wanted "
                    + "on the host: to(Device.CPU)");
        }
        checkNotRecycled();
        return data;
    }

    private void checkNotRecycled() {
        if (isRecycled()) {
            throw new IllegalStateException("this " + Shape.str(shape) + " tensor made by an op was freed (by backward() or when its "
                    + "Storage.scope() closed) and its array reused; read what you need before then, or keep a copy()");
        }
    }

    /** Whether this tensor's array went back to {@link Storage}, so that it can no longer be read. */
    public boolean isRecycled() {
        return owner != null && owner.recycled;
    }

    /** Whether the two tensors are views of one array. */
    public boolean sharesStorageWith(Tensor other) {
        return deviceData == null ? data == other.data : deviceData == other.deviceData;
    }

    /** The value of a one-element tensor (copied to the host when it lives on a device). */
    public float item() {
        if (numel != 1) throw new IllegalArgumentException("item: tensor of shape " + Shape.str(shape) + " has " + numel + " elements, not 1");
        return hostCopy()[0];
    }

    public float get(int... index) {
        return data()[offset(index)];
    }

    public void set(float value, int... index) {
        data()[offset(index)] = value;
    }

    private int offset(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " does not match shape " + Shape.str(shape));
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("index " + Arrays.toString(index) + " is out of bounds for shape " + Shape.str(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /** The same storage seen with another shape (one entry may be -1). Differentiable. */
    public Tensor reshape(int... newShape) {
        int[] s = Shape.infer("reshape", numel, newShape);
        Tensor in = this;
        if (deviceData != null) return fromDeviceOp("reshape", deviceData(), s, in::accumulateDeviceGrad, in);
        return fromOp("reshape", data, s, g -> in.accumulateGrad(g), in);
    }

    /** Same as {@link #reshape}: storage is always contiguous here, so every view is a reshape. */
    public Tensor view(int... newShape) {
        return reshape(newShape);
    }

    /** The same data, cut off from the graph. */
    public Tensor detach() {
        Tensor d = deviceData == null ? new Tensor(data, shape) : new Tensor(deviceData, shape);
        d.owner = owner;
        return d;
    }

    /** A deep copy of the data, cut off from the graph (and from {@link Storage}: it stays readable). On the cpu. */
    public Tensor copy() {
        return new Tensor(hostCopy(), shape);
    }

    /**
     * Exchanges the arrays of two cpu tensors of one shape that no op made (parameters, their copies): each
     * then holds the other's values, at no cost however large they are. A model's parameters and their
     * running averages change places this way twice a step for a mean teacher; exchanging the values
     * one by one took about a millisecond each time for the mlp's discriminator. Views made of either
     * before ({@code reshape}, {@code detach}) keep the array they had, so do not hold any across it.
     */
    public static void exchangeData(Tensor a, Tensor b) {
        if (a.deviceData != null || b.deviceData != null || !Arrays.equals(a.shape, b.shape) || a.node != null || b.node != null
                || a.owner != null || b.owner != null) {
            throw new IllegalArgumentException("exchangeData: needs two cpu tensors of one shape that no op made, got "
                    + Shape.str(a.shape) + " on " + a.device().name() + (a.owner != null ? " (an op's result)" : "")
                    + " and " + Shape.str(b.shape) + " on " + b.device().name() + (b.owner != null ? " (an op's result)" : ""));
        }
        float[] held = a.data;
        a.data = b.data;
        b.data = held;
    }

    // ---- autograd -------------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a parameter or input whose gradient is wanted; returns this for chaining. */
    public Tensor requiresGrad(boolean value) {
        if (node != null) {
            throw new IllegalStateException("requiresGrad: only leaves can be changed; this tensor was made by " + node.op() + " (use detach())");
        }
        requiresGrad = value;
        return this;
    }

    /** True when no op made this tensor (parameters, inputs, constants). */
    public boolean isLeaf() {
        return node == null;
    }

    /** The op node that made this tensor, or null for a leaf. */
    public Node node() {
        return node;
    }

    /** The gradient as a tensor sharing the gradient buffer, or null when none has been computed. */
    public Tensor grad() {
        if (deviceGrad != null) return new Tensor(deviceGrad, shape);
        return grad == null ? null : new Tensor(grad, shape);
    }

    /** The raw gradient buffer, or null. */
    public float[] gradData() {
        return grad;
    }

    /** The gradient buffer, created as zeros if absent: backward rules add into it. */
    public float[] gradBuffer() {
        if (grad == null) grad = Storage.zeroed(data().length);
        return grad;
    }

    /** The gradient of a device tensor, or null. */
    public DeviceArray deviceGradData() {
        return deviceGrad;
    }

    /** The gradient buffer of a device tensor, created as zeros if absent: device rules add into it. */
    public DeviceArray deviceGradBuffer() {
        if (deviceGrad == null) {
            deviceGrad = deviceData().device().allocate(numel);
            deviceGrad.device().fill(deviceGrad, 0f);
        }
        return deviceGrad;
    }

    /**
     * The device gradient buffer for a rule that writes every element when there was none yet (it checks
     * {@code deviceGradData() != null} first, and adds when there was): a buffer made here is not zeroed,
     * which saves a launch; {@link #gradBufferToOverwrite} on a device.
     */
    public DeviceArray deviceGradBufferToOverwrite() {
        if (deviceGrad == null) deviceGrad = deviceData().device().allocate(numel);
        return deviceGrad;
    }

    /**
     * Makes {@code buffer} (this device tensor's length, on its device) its gradient buffer from now on,
     * releasing the one it had: an optimiser keeps its parameters' gradients in one slab this way.
     */
    public void useDeviceGrad(DeviceArray buffer) {
        if (buffer.device() != device() || buffer.length() != numel) {
            throw new IllegalArgumentException("useDeviceGrad: an array of " + buffer.length() + " floats on " + buffer.device().name()
                    + " for a tensor of shape " + Shape.str(shape) + " on " + device().name());
        }
        if (deviceGrad != null && deviceGrad != buffer) deviceGrad.release();
        deviceGrad = buffer;
    }

    /** {@link #accumulateGrad} on a device: adds {@code g} into the gradient, which starts as a copy. */
    public void accumulateDeviceGrad(DeviceArray g) {
        if (g.length() != numel) {
            throw new IllegalArgumentException("gradient of " + g.length() + " elements for a tensor of shape " + Shape.str(shape));
        }
        Device device = deviceData().device();
        if (g.device() != device) throw new IllegalArgumentException("gradient on " + g.device().name() + " for a tensor on " + device.name());
        if (deviceGrad == null) {
            deviceGrad = device.allocate(numel);
            device.fill(deviceGrad, 0f);
        }
        device.addInto(deviceGrad, g);
    }

    /**
     * The gradient buffer for a rule that overwrites every element when there was none yet (it checks
     * {@code gradData() != null} first, and adds when there was): a buffer made here is not zeroed,
     * which saves a pass over it.
     */
    public float[] gradBufferToOverwrite() {
        if (grad == null) grad = Storage.take(data().length);
        return grad;
    }

    /** Adds {@code g} (same element count) into this tensor's gradient. */
    public void accumulateGrad(float[] g) {
        if (g.length != data().length) {
            throw new IllegalArgumentException("gradient of " + g.length + " elements for a tensor of shape " + Shape.str(shape));
        }
        // region exercise-accumulate-grad (read docs/TOUR.md §1): add g into the gradient; the first gradient to arrive starts the buffer
        if (grad == null) {
            grad = Storage.take(g.length);
            System.arraycopy(g, 0, grad, 0, g.length);
        } else {
            for (int i = 0; i < g.length; i++) grad[i] += g[i];
        }
        // endregion exercise-accumulate-grad
    }

    /**
     * Adds {@code g} into this tensor's gradient like {@link #accumulateGrad}, but keeps {@code g} itself
     * as the buffer when there is none yet. For backward rules that pass their output's gradient through
     * unchanged (x + noise, x + constant): the output drops that array once its rule has run, so handing
     * it on saves a zeroed allocation and a pass over it. Give a given array to one tensor only.
     */
    public void passGradient(float[] g) {
        if (grad == null && g.length == data.length) {
            grad = g;
        } else {
            accumulateGrad(g);
        }
    }

    /** Sets the gradient to zero (keeps the buffer, so no allocation happens in a training loop). */
    public void zeroGrad() {
        if (grad != null) Arrays.fill(grad, 0f);
        if (deviceGrad != null) deviceGrad.device().fill(deviceGrad, 0f);
    }

    /** Drops the gradient buffer altogether. */
    public void clearGrad() {
        grad = null;
        if (deviceGrad != null) deviceGrad.release();
        deviceGrad = null;
    }

    /** Backward from a scalar: the seed gradient is 1. */
    public void backward() {
        if (numel != 1) {
            throw new IllegalArgumentException("backward: output of shape " + Shape.str(shape)
                    + " is not a scalar; pass the gradient of the loss with respect to it: backward(gradOutput)");
        }
        backward(Tensor.full(1f, shape));
    }

    /** Backward with an explicit gradient of the loss with respect to this tensor (from any device). */
    public void backward(Tensor gradOutput) {
        if (!Arrays.equals(gradOutput.shape, shape)) {
            throw new IllegalArgumentException("backward: gradient of shape " + Shape.str(gradOutput.shape) + " for an output of shape " + Shape.str(shape));
        }
        if (graphFreed) {
            throw new IllegalStateException("backward: this graph was already used by a backward pass and freed; run the forward pass again");
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require a gradient (no input had requiresGrad(true), or it was made under GradMode.noGrad())");
        }
        if (deviceData != null) {
            Tensor seed = gradOutput.to(device());
            accumulateDeviceGrad(seed.deviceData());
            if (seed != gradOutput) seed.deviceData().release();
        } else {
            accumulateGrad(gradOutput.hostCopy());
        }
        if (node != null) Graph.backward(this);
    }

    /**
     * Called by {@link Graph} once this tensor's backward rule has run: frees the intermediate state. Its
     * gradient array goes back to {@link Storage} unless the rule handed it on to an input, and so does
     * its own array unless {@code keepValue} (the tensor backward started from) or it has one element.
     */
    public void releaseGraph(boolean keepValue) {
        if (grad != null && node != null && !handedOn(node.inputs())) Storage.give(grad);
        if (deviceGrad != null && node != null && !handedOn(node.inputs())) deviceGrad.release();
        node = null;
        grad = null;
        deviceGrad = null;
        graphFreed = true;
        if (!keepValue) recycle(false);
    }

    private boolean handedOn(Tensor[] inputs) {
        for (Tensor in : inputs) {
            if (grad != null && in.grad == grad || deviceGrad != null && in.deviceGrad == deviceGrad) return true;
        }
        return false;
    }

    /**
     * Gives this op result's array back to {@link Storage} (or its device array back to its device), if
     * it owns one. One-element results (losses) stay readable through backward; when {@code scopeClosing},
     * a device one is given back too (the garbage collector frees only heap memory), so a device loss is
     * read (item) inside the scope that made it.
     */
    void recycle(boolean scopeClosing) {
        if (owner == this && !recycled && (numel > 1 || scopeClosing && deviceData != null)) {
            recycled = true;
            if (deviceData != null) deviceData.release();
            else Storage.give(data);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ');
        if (isRecycled()) return sb.append("[freed]").toString();
        if (deviceData != null) return sb.append("on ").append(device().name()).toString();
        int n = Math.min(data.length, 8);
        sb.append('[');
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append(data[i]);
        if (data.length > n) sb.append(", ...");
        sb.append(']');
        if (node != null) sb.append(" grad_fn=").append(node.op());
        else if (requiresGrad) sb.append(" requires_grad");
        return sb.toString();
    }
}
