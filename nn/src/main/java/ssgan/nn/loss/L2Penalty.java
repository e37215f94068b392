package ssgan.nn.loss;

import java.util.Collection;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.Reductions;
import ssgan.engine.tensor.Tensor;

/**
 * An L2 penalty over a chosen set of parameters: {@code 0.5·λ·Σ‖p‖²}, whose gradient is {@code λ·p}
 * (so it matches an optimiser's L2 weight decay of λ). Choosing the set (e.g. only weights, not biases
 * or batch-norm scales) is the point of having it as a loss rather than as optimiser weight decay.
 */
public final class L2Penalty {
    private L2Penalty() {}

    public static Tensor of(float lambda, Collection<Tensor> parameters) {
        if (parameters.isEmpty()) throw new IllegalArgumentException("L2Penalty: no parameters given");
        Tensor total = null;
        for (Tensor p : parameters) {
            Tensor sq = Reductions.sum(Arithmetic.mul(p, p));
            total = total == null ? sq : Arithmetic.add(total, sq);
        }
        return Arithmetic.mulScalar(total, 0.5f * lambda);
    }
}
