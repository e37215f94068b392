package ssgan.app.model;

import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/**
 * A K-class classifier that doubles as the GAN's discriminator: its 10 logits say which digit, and
 * together (through logsumexp, see {@code SsganLosses}) how real the image looks.
 */
public abstract class Discriminator extends Module {
    /** The class logits [N, 10] and the activations of the feature-matching layer [N, F]. */
    public record Output(Tensor logits, Tensor features) {}

    /** Logits and features for images [N, 1, 28, 28] in [-1, 1]. */
    public abstract Output classify(Tensor images);

    /**
     * True when an image's output depends on the other images of its batch (batch norm in training
     * mode). When false, the trainer may classify several batches as one larger batch, which is the
     * same computation done faster.
     */
    public abstract boolean usesBatchStatistics();

    /** The class logits alone. */
    @Override
    public Tensor forward(Tensor images) {
        return classify(images).logits();
    }
}
