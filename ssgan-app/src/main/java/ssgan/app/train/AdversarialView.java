package ssgan.app.train;

import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Arithmetic.mulScalar;
import static ssgan.engine.ops.Reductions.logSoftmax;
import static ssgan.engine.ops.Reductions.softmax;
import static ssgan.engine.ops.Reductions.sum;

import java.util.List;
import ssgan.app.model.Discriminator;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * Virtual adversarial training (Miyato et al., 2018) as the consistency term's second view: each
 * unlabelled image moved a distance ε in the direction that changes the discriminator's class
 * probabilities the most, where random noise moves it in a random direction, and pulled towards the
 * discriminator's noise-free classification of the image as it is. No label is used, so every
 * unlabelled image gets one.
 *
 * <p>The direction is one step of the power method on the curvature of KL(p(x) ‖ p(x + r)) at r = 0:
 * start from a random direction d of tiny length ξ; the gradient of the KL with respect to d, taken by
 * the engine's own backward pass down to the input, leans towards the curvature's top eigenvector. That
 * gradient, scaled to length ε per image, is the perturbation. It is found with the discriminator's noise
 * off (eval mode), so that it is the image's direction, not two noise draws' difference, and with its
 * weights frozen (the backward pass computes input gradients only). A move adds to every pixel
 * independently, so this works in the permutation-invariant setting too.
 *
 * <p>ε is measured as the discriminator sees pixels, in [0, 1]; images arrive in [-1, 1], twice as wide.
 */
final class AdversarialView {
    /** The random start's length (pixels in [0, 1]): small against ε, large against float rounding. */
    static final float XI = 1e-3f;

    private final Rng rng;
    private final float epsilon;
    private float[] start = new float[0];   // the random starts, reused from step to step

    AdversarialView(float epsilon, Rng rng) {
        if (!(epsilon > 0)) throw new IllegalArgumentException("adversarial view: epsilon must be > 0, got " + epsilon);
        this.epsilon = epsilon;
        this.rng = rng;
    }

    /** The draws of the random starts; its state goes into checkpoints so that a resumed run draws the same ones. */
    Rng rng() {
        return rng;
    }

    /**
     * The moved images and the target they are pulled towards: the discriminator's class probabilities
     * for the images as they are, without its noise. Both are constants on the images' device.
     */
    record Moved(Tensor images, Tensor target) {}

    /**
     * {@code images} [N, ...] (in [-1, 1]) each moved by its adversarial perturbation of length ε.
     * {@code trainable} are the discriminator's trainable weights, frozen meanwhile; its training mode is
     * restored afterwards.
     */
    Moved apply(Discriminator disc, List<Tensor> trainable, Tensor images) {
        Device device = images.device();
        int n = images.size(0);
        boolean training = disc.isTraining();
        disc.eval();
        trainable.forEach(p -> p.requiresGrad(false));
        try {
            Tensor clean;
            try (var scope = GradMode.noGrad()) {
                clean = softmax(disc.classify(images).logits(), 1);
            }
            if (start.length != images.numel()) start = new float[images.numel()];
            rng.fillGaussian(start, 0, start.length, 0f, 1f);
            scaleRows(start, n, 2 * XI);
            Tensor r = DeviceBatch.copy(Tensor.wrap(start, images.shape()), device).requiresGrad(true);
            // Cross-entropy against the clean probabilities: KL(p ‖ q) minus p's entropy, a constant, so
            // the same gradient with respect to r.
            Tensor logits = disc.classify(add(images, r)).logits();
            mulScalar(sum(mul(clean, logSoftmax(logits, 1))), -1f).backward();
            // The gradient's array is scaled in place and, once added, given back for the next step's gradient.
            float[] direction = r.grad().to(Device.CPU).data();
            scaleRows(direction, n, 2 * epsilon);
            Tensor moved = add(images.to(Device.CPU), Tensor.wrap(direction, images.shape()));
            Storage.give(direction);
            return new Moved(DeviceBatch.copy(moved, device), clean);
        } finally {
            trainable.forEach(p -> p.requiresGrad(true));
            disc.train(training);
        }
    }

    /** Scales each of the {@code rows} rows of {@code a} to Euclidean length {@code length} (a zero row stays zero). */
    static void scaleRows(float[] a, int rows, float length) {
        int width = a.length / rows;
        for (int i = 0; i < rows; i++) {
            double squares = 0;
            for (int j = i * width; j < (i + 1) * width; j++) squares += (double) a[j] * a[j];
            if (squares == 0) continue;
            float scale = (float) (length / Math.sqrt(squares));
            for (int j = i * width; j < (i + 1) * width; j++) a[j] *= scale;
        }
    }
}
