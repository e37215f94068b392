package ssgan.nn.optim;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import ssgan.engine.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay,
 * with PyTorch's update rule:
 * <pre>
 *   g = grad + wd·p
 *   b = g                         on the first step,
 *   b = μ·b + (1 − dampening)·g   afterwards
 *   g = g + μ·b  (Nesterov)   or   g = b  (heavy ball)
 *   p = p − lr·g
 * </pre>
 * The state is one {@code momentum_buffer.NAME} per parameter (only with momentum). SGD is not a hot
 * loop in this project, so it is plain scalar code.
 */
public final class Sgd extends Optimizer {
    /** Hyper-parameters; {@link #plain(float)} is momentum-free SGD. */
    public record Options(float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        public Options {
            if (!(momentum >= 0)) throw new IllegalArgumentException("SGD: momentum must be >= 0, got " + momentum);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("SGD: weight decay must be >= 0, got " + weightDecay);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
            }
        }

        public static Options plain(float lr) {
            return new Options(lr, 0f, 0f, 0f, false);
        }

        public Options withMomentum(float momentum) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }

        public Options withDampening(float dampening) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }

        public Options withNesterov(float momentum) {
            return new Options(lr, momentum, 0f, weightDecay, true);
        }

        public Options withWeightDecay(float wd) {
            return new Options(lr, momentum, dampening, wd, nesterov);
        }
    }

    private final Options options;
    private final IdentityHashMap<Tensor, float[]> momentumBuffers = new IdentityHashMap<>();

    public Sgd(Map<String, Tensor> parameters, Options options) {
        super(parameters, options.lr());
        this.options = options;
    }

    public Options options() {
        return options;
    }

    @Override
    public void step() {
        float lr = lr(), mu = options.momentum(), wd = options.weightDecay(), keep = 1 - options.dampening();
        boolean nesterov = options.nesterov();
        for (Tensor param : parameters().values()) {
            float[] grad = param.gradData();
            if (grad == null) continue;
            float[] p = param.data();
            float[] buf = null;
            boolean first = false;
            if (mu != 0) {
                buf = momentumBuffers.get(param);
                if (buf == null) {
                    buf = new float[p.length];
                    momentumBuffers.put(param, buf);
                    first = true;
                }
            }
            for (int i = 0; i < p.length; i++) {
                float g = grad[i] + wd * p[i];
                if (buf != null) {
                    float b = first ? g : mu * buf[i] + keep * g;
                    buf[i] = b;
                    g = nesterov ? g + mu * b : b;
                }
                p[i] -= lr * g;
            }
        }
    }

    @Override
    public LinkedHashMap<String, Tensor> state() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        parameters().forEach((name, p) -> {
            float[] buf = momentumBuffers.get(p);
            if (buf != null) out.put("momentum_buffer." + name, Tensor.wrap(buf, p.shape()));
        });
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        IdentityHashMap<Tensor, float[]> loaded = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor p = parameterFor(e.getKey(), "momentum_buffer.");
            loaded.put(p, copyMatching(e.getKey(), e.getValue(), p));
        }
        momentumBuffers.clear();
        momentumBuffers.putAll(loaded);
    }
}
