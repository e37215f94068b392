package ssgan.nn.optim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceAdam;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.kernels.Simd;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Tensor;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction, L2 or decoupled (AdamW) weight decay, and a choice
 * of where epsilon goes. Each parameter tensor is updated by one fused {@link AdamKernel} pass,
 * split over the cores for large tensors (elementwise, so the split cannot change the result).
 *
 * <pre>{@code
 * var adam = new Adam(model.namedParameters(), Adam.Options.defaults().withLr(3e-4f).withBetas(0.5f, 0.999f));
 * }</pre>
 *
 * <p>State, like PyTorch's, is per parameter and created on its first step: {@code step.NAME} (a float
 * scalar; exact up to 2^24 steps), {@code exp_avg.NAME} and {@code exp_avg_sq.NAME}.
 *
 * <p>Parameters that live on a device ({@code Module.moveTo}) keep their moments there too, and the
 * device updates them all in one go ({@link DeviceAdam}), with the same arithmetic and constants. Move
 * the model before the first step: moments do not follow a parameter to another device.
 */
public final class Adam extends Optimizer {
    /** Where epsilon enters the denominator. */
    public enum Epsilon {
        /** PyTorch's {@code sqrt(v̂) + eps}. */
        OUTSIDE_SQRT,
        /**
         * {@code sqrt(v̂ + eps)}, as in the improved-GAN paper's Theano code (Salimans et al. 2016). Near
         * v̂ = 0 it bounds the step by {@code lr·m̂/sqrt(eps)} instead of {@code lr·m̂/eps}, far smaller.
         */
        INSIDE_SQRT
    }

    /** Hyper-parameters. PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8 outside the root, no decay. */
    public record Options(float lr, float beta1, float beta2, float eps, Epsilon epsilon, float weightDecay, boolean decoupledWeightDecay) {
        public Options {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam: betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
            }
            if (!(eps >= 0)) throw new IllegalArgumentException("Adam: eps must be >= 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("Adam: weight decay must be >= 0, got " + weightDecay);
            if (epsilon == null) throw new IllegalArgumentException("Adam: epsilon placement must not be null");
        }

        public static Options defaults() {
            return new Options(1e-3f, 0.9f, 0.999f, 1e-8f, Epsilon.OUTSIDE_SQRT, 0f, false);
        }

        public Options withLr(float lr) {
            return new Options(lr, beta1, beta2, eps, epsilon, weightDecay, decoupledWeightDecay);
        }

        public Options withBetas(float beta1, float beta2) {
            return new Options(lr, beta1, beta2, eps, epsilon, weightDecay, decoupledWeightDecay);
        }

        public Options withEps(float eps, Epsilon placement) {
            return new Options(lr, beta1, beta2, eps, placement, weightDecay, decoupledWeightDecay);
        }

        /** L2 weight decay: {@code wd·p} is added to the gradient before the moments (PyTorch's Adam). */
        public Options withWeightDecay(float wd) {
            return new Options(lr, beta1, beta2, eps, epsilon, wd, false);
        }

        /** Decoupled weight decay (AdamW, Loshchilov &amp; Hutter): {@code p ← p·(1 − lr·wd)} beside the Adam step. */
        public Options withDecoupledWeightDecay(float wd) {
            return new Options(lr, beta1, beta2, eps, epsilon, wd, true);
        }
    }

    /** Elements per parallel chunk: large enough that the fork costs nothing next to the memory traffic. */
    private static final int GRAIN = 1 << 16;
    private static final AdamKernel KERNEL = Simd.choose(() -> new VectorAdam(), () -> new ScalarAdam());

    /** One parameter's moments and step count, allocated on its first update. */
    private static final class Moments {
        int step;
        final float[] m;
        final float[] v;

        Moments(int n) {
            m = new float[n];
            v = new float[n];
        }
    }

    /** A device parameter's moments and step count, on its device, allocated (as zeros) on its first update. */
    private static final class DeviceMoments {
        int step;
        final DeviceArray m;
        final DeviceArray v;

        DeviceMoments(DeviceArray m, DeviceArray v) {
            this.m = m;
            this.v = v;
            m.device().fill(m, 0f);
            v.device().fill(v, 0f);
        }
    }

    private final Options options;
    private final AdamKernel kernel;
    private final IdentityHashMap<Tensor, Moments> moments = new IdentityHashMap<>();
    private final IdentityHashMap<Tensor, DeviceMoments> deviceMoments = new IdentityHashMap<>();
    /** The device's update for this optimiser's parameters, made on the first step that finds them there. */
    private DeviceAdam deviceAdam;

    public Adam(Map<String, Tensor> parameters, Options options) {
        this(parameters, options, KERNEL);
    }

    /** With an explicit kernel, for tests and benchmarks that compare the twins. */
    public Adam(Map<String, Tensor> parameters, Options options, AdamKernel kernel) {
        super(parameters, options.lr());
        this.options = options;
        this.kernel = kernel;
    }

    public Options options() {
        return options;
    }

    /** The kernel chosen at start-up ({@link VectorAdam} when the Vector API is available). */
    public static AdamKernel defaultKernel() {
        return KERNEL;
    }

    @Override
    public void step() {
        long start = OpProfile.start();
        for (Tensor p : parameters().values()) {
            if (p.isOnDevice()) continue;   // below, all in one go
            float[] grad = p.gradData();
            if (grad == null) continue;
            Moments s = moments.computeIfAbsent(p, t -> new Moments(t.numel()));
            s.step++;
            AdamKernel.Coefficients c = coefficients(s.step);
            float[] data = p.data();
            Parallel.forRange(data.length, GRAIN, (chunk, from, to) -> kernel.update(data, grad, s.m, s.v, from, to, c));
        }
        stepOnDevice();
        OpProfile.record("adam", false, start);
    }

    /**
     * Updates the parameters that live on a device and have a gradient there: one call to the device per
     * step count (so one in all, unless some parameter missed a step and is a step behind).
     */
    private void stepOnDevice() {
        Device device = null;
        List<Tensor> updated = new ArrayList<>(), first = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : parameters().entrySet()) {
            Tensor p = e.getValue();
            if (!p.isOnDevice() || p.deviceGradData() == null) continue;
            if (moments.containsKey(p)) {
                throw new IllegalStateException("Adam: parameter '" + e.getKey() + "' moved to " + p.device().name()
                        + " after its first step, and its moments stayed on the cpu; move the model before the first step");
            }
            if (device == null) device = p.device();
            if (p.device() != device) {
                throw new IllegalArgumentException("Adam: parameters on " + device.name() + " and " + p.device().name() + "; move the model to one device");
            }
            updated.add(p);
            if (!deviceMoments.containsKey(p)) first.add(p);
        }
        if (device == null) return;
        addDeviceMoments(device, first);
        Map<Integer, List<Tensor>> byStep = new TreeMap<>();
        for (Tensor p : updated) {
            DeviceMoments s = deviceMoments.get(p);
            s.step++;
            byStep.computeIfAbsent(s.step, t -> new ArrayList<>()).add(p);
        }
        if (deviceAdam == null) deviceAdam = device.ops().adam();
        byStep.forEach((t, params) -> {
            List<DeviceArray> data = new ArrayList<>(), grads = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>();
            for (Tensor p : params) {
                DeviceMoments s = deviceMoments.get(p);
                data.add(p.deviceData());
                grads.add(p.deviceGradData());
                m.add(s.m);
                v.add(s.v);
            }
            AdamKernel.Coefficients c = coefficients(t);
            deviceAdam.step(data, grads, m, v, new DeviceAdam.Coefficients(c.beta1(), c.oneMinusBeta1(), c.beta2(), c.oneMinusBeta2(),
                    c.l2(), c.decay(), c.stepSize(), c.invBiasCorrection2(), c.epsInside(), c.epsOutside()));
        });
    }

    /** Zero moments for {@code params} (on {@code device}), allocated together: one slab for m and one for v on a GPU. */
    private void addDeviceMoments(Device device, List<Tensor> params) {
        int[] lengths = params.stream().mapToInt(Tensor::numel).toArray();
        List<DeviceArray> m = device.allocateTogether(lengths), v = device.allocateTogether(lengths);
        for (int i = 0; i < lengths.length; i++) deviceMoments.put(params.get(i), new DeviceMoments(m.get(i), v.get(i)));
    }

    // region coefficients (copied into docs/book/06-adam-and-averaging.md; DocsJavaFenceTest checks the copy)
    /** The constants of step {@code t} (1-based); bias corrections in double, as they approach 1 slowly. */
    private AdamKernel.Coefficients coefficients(int t) {
        // region exercise-adam-coefficients (read docs/TOUR.md §10): step t's constants: the bias corrections, weight decay (L2 or decoupled) and where epsilon goes
        float lr = lr();
        double bc1 = 1 - StrictMath.pow(options.beta1(), t);
        double bc2 = 1 - StrictMath.pow(options.beta2(), t);
        boolean decoupled = options.decoupledWeightDecay();
        boolean inside = options.epsilon() == Epsilon.INSIDE_SQRT;
        return new AdamKernel.Coefficients(
                options.beta1(), 1 - options.beta1(), options.beta2(), 1 - options.beta2(),
                decoupled ? 0f : options.weightDecay(),
                decoupled ? 1 - lr * options.weightDecay() : 1f,
                (float) (lr / bc1), (float) (1 / bc2),
                inside ? options.eps() : 0f, inside ? 0f : options.eps());
        // endregion exercise-adam-coefficients
    }
    // endregion

    @Override
    public LinkedHashMap<String, Tensor> state() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        parameters().forEach((name, p) -> {
            DeviceMoments d = deviceMoments.get(p);
            if (d != null) {   // copies on the host: a checkpoint is written from there
                out.put("step." + name, Tensor.scalar(d.step));
                out.put("exp_avg." + name, Tensor.onDevice(d.m, p.shape()).to(Device.CPU));
                out.put("exp_avg_sq." + name, Tensor.onDevice(d.v, p.shape()).to(Device.CPU));
            }
            Moments s = moments.get(p);
            if (s == null) return;
            out.put("step." + name, Tensor.scalar(s.step));
            out.put("exp_avg." + name, Tensor.wrap(s.m, p.shape()));
            out.put("exp_avg_sq." + name, Tensor.wrap(s.v, p.shape()));
        });
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        // Build the new state completely before replacing the old, so a bad checkpoint changes nothing.
        Map<Tensor, Moments> loaded = new IdentityHashMap<>();
        Map<Tensor, Integer> parts = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            String prefix = key.startsWith("step.") ? "step." : key.startsWith("exp_avg_sq.") ? "exp_avg_sq." : key.startsWith("exp_avg.") ? "exp_avg." : null;
            if (prefix == null) throw new IllegalArgumentException("Adam.loadState: unknown key '" + key + "' (expected step., exp_avg. or exp_avg_sq.)");
            Tensor p = parameterFor(key, prefix);
            Moments s = loaded.computeIfAbsent(p, t -> new Moments(t.numel()));
            switch (prefix) {
                case "step." -> s.step = Math.round(e.getValue().item());
                case "exp_avg." -> System.arraycopy(copyMatching(key, e.getValue(), p), 0, s.m, 0, p.numel());
                default -> System.arraycopy(copyMatching(key, e.getValue(), p), 0, s.v, 0, p.numel());
            }
            parts.merge(p, 1, Integer::sum);
        }
        parameters().forEach((name, p) -> {
            Integer n = parts.get(p);
            if (n != null && n != 3) {
                throw new IllegalArgumentException("Adam.loadState: parameter '" + name + "' needs step., exp_avg. and exp_avg_sq. entries, found " + n + " of them");
            }
        });
        moments.clear();
        for (DeviceMoments d : deviceMoments.values()) {
            d.m.release();
            d.v.release();
        }
        deviceMoments.clear();
        List<Tensor> onDevice = new ArrayList<>();   // in the parameters' order, as the first step takes them
        for (Tensor p : parameters().values()) {
            Moments s = loaded.get(p);
            if (s == null) continue;
            if (p.isOnDevice()) onDevice.add(p);   // a device parameter's moments go where it is
            else moments.put(p, s);
        }
        if (onDevice.isEmpty()) return;
        Device device = onDevice.get(0).device();
        for (Tensor p : onDevice) {
            if (p.device() != device) {
                throw new IllegalArgumentException("Adam: parameters on " + device.name() + " and " + p.device().name() + "; move the model to one device");
            }
        }
        addDeviceMoments(device, onDevice);
        for (Tensor p : onDevice) {
            Moments s = loaded.get(p);
            DeviceMoments d = deviceMoments.get(p);
            d.step = s.step;
            d.m.copyFromHost(s.m);
            d.v.copyFromHost(s.v);
        }
    }
}
