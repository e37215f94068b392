package ssgan.nn.loss;

import ssgan.engine.ops.Activations;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.Reductions;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * Binary cross-entropy from logits, averaged over every element, PyTorch's {@code BCEWithLogitsLoss()}.
 *
 * <p>With p = sigmoid(x), {@code −t·log p − (1 − t)·log(1 − p)} simplifies to {@code softplus(x) − t·x},
 * since {@code −log sigmoid(x) = softplus(−x) = softplus(x) − x}. Written with softplus it never takes
 * the log of a rounded-to-zero probability, so it is finite for any logit; the gradient is
 * {@code sigmoid(x) − t}.
 */
public final class BinaryCrossEntropy {
    private BinaryCrossEntropy() {}

    /** Targets in [0, 1], same shape as the logits (soft targets allowed). */
    public static Tensor fromLogits(Tensor logits, Tensor targets) {
        if (!java.util.Arrays.equals(logits.shape(), targets.shape())) {
            throw new IllegalArgumentException("BinaryCrossEntropy: logits " + Shape.str(logits.shape())
                    + " and targets " + Shape.str(targets.shape()) + " must have the same shape");
        }
        return Reductions.mean(Arithmetic.sub(Activations.softplus(logits), Arithmetic.mul(targets, logits)));
    }

    /** Every element has the same target, e.g. 1 for "real" and 0 for "fake" in a GAN. */
    public static Tensor fromLogits(Tensor logits, float target) {
        Tensor softplus = Activations.softplus(logits);
        return Reductions.mean(target == 0f ? softplus : Arithmetic.sub(softplus, Arithmetic.mulScalar(logits, target)));
    }
}
