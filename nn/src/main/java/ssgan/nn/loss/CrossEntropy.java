package ssgan.nn.loss;

import ssgan.engine.ops.Losses;
import ssgan.engine.tensor.Tensor;

/** Softmax cross-entropy from logits {@code [N, K]} and integer labels, averaged over the batch. */
public final class CrossEntropy {
    private CrossEntropy() {}

    public static Tensor fromLogits(Tensor logits, int[] labels) {
        return Losses.crossEntropy(logits, labels, 0f);
    }

    /**
     * With label smoothing ε: the target is {@code (1 − ε)·onehot + ε/K}, PyTorch's
     * {@code CrossEntropyLoss(label_smoothing=ε)}.
     */
    public static Tensor fromLogits(Tensor logits, int[] labels, float labelSmoothing) {
        return Losses.crossEntropy(logits, labels, labelSmoothing);
    }
}
