package ssgan.app.train;

import static ssgan.engine.ops.Activations.softplus;
import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Arithmetic.mulScalar;
import static ssgan.engine.ops.Arithmetic.sub;
import static ssgan.engine.ops.Arithmetic.neg;
import static ssgan.engine.ops.Reductions.logSoftmax;
import static ssgan.engine.ops.Reductions.logSumExp;
import static ssgan.engine.ops.Reductions.mean;
import static ssgan.engine.ops.Reductions.softmax;
import static ssgan.engine.ops.Reductions.sum;

import ssgan.engine.device.Device;
import ssgan.engine.ops.Losses;
import ssgan.engine.tensor.Tensor;

/**
 * The three losses of the semi-supervised GAN (Salimans et al. 2016, section 5).
 *
 * <p>The discriminator outputs K = 10 class logits l_1..l_K. A (K+1)-th class, "generated", has its logit
 * fixed at 0, so with Z(x) = Σ_k exp(l_k(x)):
 * <pre>
 *   p(real | x) = D(x) = Z / (Z + 1)        and        log Z = logsumexp(l)
 *   −log D(x)       = log(1 + 1/Z) = softplus(−logsumexp(l))
 *   −log(1 − D(x))  = log(1 + Z)   = softplus( logsumexp(l))
 * </pre>
 * Everything is written with logsumexp and softplus, so no exp ever overflows.
 */
public final class SsganLosses {
    private SsganLosses() {}

    /** Cross-entropy over the 10 real classes on the labelled batch (optionally label-smoothed). */
    public static Tensor supervised(Tensor logitsLabelled, int[] labels, float labelSmoothing) {
        return Losses.crossEntropy(logitsLabelled, labels, labelSmoothing);
    }

    // region unsupervised (copied into docs/TOUR.md; DocsJavaFenceTest checks the copy)
    /** −E_real log D(x) − E_fake log(1 − D(G(z))): real images should look real, generated ones fake. */
    public static Tensor unsupervised(Tensor logitsReal, Tensor logitsFake) {
        Tensor real = mean(softplus(neg(logSumExp(logitsReal, 1, false))));
        Tensor fake = mean(softplus(logSumExp(logitsFake, 1, false)));
        return add(real, fake);
    }
    // endregion

    /**
     * Feature matching, the generator's loss: the squared distance between the mean features of a real
     * batch and of a generated batch, averaged over features. The real side is a fixed target.
     */
    public static Tensor featureMatching(Tensor featuresReal, Tensor featuresFake) {
        // region exercise-feature-matching (read docs/TOUR.md §12): the mean squared distance between the batch-mean features of the real and the generated batch, the real side a fixed target
        Tensor target = mean(featuresReal.detach(), false, 0);
        return Losses.mse(mean(featuresFake, false, 0), target);
        // endregion exercise-feature-matching
    }

    /**
     * Consistency (the Π-model of Laine and Aila, 2017): the same images classified twice, under two
     * independent draws of the discriminator's noise, should get the same class probabilities. The
     * squared difference of the two softmaxes over the 10 classes, summed over classes and averaged over
     * the batch. Both passes are trained, unless one is a constant (a mean teacher's target).
     */
    public static Tensor consistency(Tensor logitsA, Tensor logitsB) {
        return consistencyToTarget(logitsA, softmax(logitsB, 1));
    }

    /**
     * The same squared difference against given class probabilities {@code [N, K]} (a constant, such as
     * interpolation consistency's blended target): only the first side is trained.
     */
    public static Tensor consistencyToTarget(Tensor logits, Tensor probabilities) {
        Tensor diff = sub(softmax(logits, 1), probabilities);
        return mulScalar(mean(mul(diff, diff)), logits.size(1));
    }

    /**
     * Pseudo-labels (FixMatch, Sohn et al., 2020): where the teacher's pass gives an image's likeliest
     * class a probability of at least {@code threshold}, that class becomes the image's label, and the
     * student's pass (which sees the image turned, shifted and scaled) is trained on it by cross-entropy;
     * the other images add nothing. The sum is divided by the whole batch, so that the term grows as the
     * teacher grows sure of more images. The teacher's side is a constant.
     */
    public static Tensor pseudoLabels(Tensor logitsStudent, Tensor logitsTeacher, float threshold) {
        int n = logitsTeacher.size(0), k = logitsTeacher.size(1);
        float[] teacher = logitsTeacher.to(Device.CPU).data();   // [N, K], small: read on the host
        float[] target = new float[n * k];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double z = 0;
            for (int c = 0; c < k; c++) if (teacher[i * k + c] > teacher[i * k + best]) best = c;
            for (int c = 0; c < k; c++) z += Math.exp(teacher[i * k + c] - teacher[i * k + best]);
            if (1 / z >= threshold) target[i * k + best] = 1;   // the likeliest class's softmax is 1 / z
        }
        Tensor onehot = DeviceBatch.copy(Tensor.of(target, n, k), logitsStudent.device());
        return mulScalar(sum(mul(onehot, logSoftmax(logitsStudent, 1))), -1f / n);
    }
}
