package ssgan.app.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every setting of a training run; written into {@code summary.json} and the checkpoint metadata. */
public record TrainConfig(
        Architecture arch,
        int labels,
        long seed,
        int iterations,
        int batchSize,
        float lr,
        float beta1,
        float adamEpsilon,
        Path dataDir,
        Path outDir,
        int threads,
        int evalEvery,
        int featureLayer,
        float labelSmoothing,
        float unsupervisedWeight,
        float weightDecay,
        float emaRate,
        boolean resume,
        double maxMinutes,
        double targetAccuracy,
        double decay,
        double collapseFactor,
        int labelShift,
        float consistencyWeight,
        int validation,
        boolean permutationInvariant,
        Teacher teacher,
        boolean dcganNoise,
        float labelRotate,
        float labelScale,
        float labelShear,
        float labelBend,
        float pseudoLabels,
        boolean reuseFeatures,
        int fakeBatch,
        float adversarialEpsilon,
        int teacherNoiseUntil,
        float generatorLr,
        float generatorBeta1) {

    /** {@link #teacherNoiseUntil} for a mean teacher that draws the discriminator's noise throughout. */
    public static final int NOISY_THROUGHOUT = Integer.MAX_VALUE;

    /** Whether the mean teacher's pass at this iteration (counted from 0) draws the discriminator's noise. */
    public boolean teacherNoiseAt(long iteration) {
        return iteration < teacherNoiseUntil;
    }

    /** Where the consistency term's target comes from. */
    public enum Teacher {
        /** The Π-model: a second noisy pass of the student itself; both passes are trained. */
        PAIR,
        /** A mean teacher: the parameter average's classification of the unshifted image, a fixed target. */
        AVERAGE,
        /**
         * The Π-model with augmentation (Laine and Aila, 2017): the second pass sees the image moved by its
         * own random offset, so the two passes differ by a shift as well as by their noise.
         */
        SHIFTED,
        /**
         * Interpolation consistency (Verma et al., 2019): the second pass sees each unlabelled image
         * blended with another, and is pulled towards the same blend of the first pass's class
         * probabilities. Uses no pixel neighbourhoods.
         */
        BLEND,
        /**
         * Virtual adversarial training (Miyato et al., 2018): the second pass sees each image moved by
         * {@code adversarialEpsilon} in the direction that changes its classification most, and is pulled
         * towards the discriminator's noise-free classification of the image, a fixed target. Uses no pixel
         * neighbourhoods.
         */
        ADVERSARIAL
    }

    /** The iteration after which the learning rate falls linearly, reaching 0 at the last iteration. */
    public int decayStart() {
        return iterations - (int) Math.round(decay * iterations);
    }

    /** Key/value pairs for logs, metadata and the summary. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", arch.name().toLowerCase());
        m.put("labels", Integer.toString(labels));
        m.put("seed", Long.toString(seed));
        m.put("iterations", Integer.toString(iterations));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("lr", Float.toString(lr));
        m.put("beta1", Float.toString(beta1));
        m.put("generator_lr", Float.toString(generatorLr));
        m.put("generator_beta1", Float.toString(generatorBeta1));
        m.put("adam_epsilon", Float.toString(adamEpsilon));
        m.put("threads", Integer.toString(threads));
        m.put("eval_every", Integer.toString(evalEvery));
        m.put("feature_layer", Integer.toString(featureLayer));
        m.put("label_smoothing", Float.toString(labelSmoothing));
        m.put("unsupervised_weight", Float.toString(unsupervisedWeight));
        m.put("weight_decay", Float.toString(weightDecay));
        m.put("ema", Float.toString(emaRate));
        m.put("max_minutes", Double.toString(maxMinutes));
        m.put("target_accuracy", Double.toString(targetAccuracy));
        m.put("decay", Double.toString(decay));
        m.put("collapse_guard", Double.toString(collapseFactor));
        m.put("label_shift", Integer.toString(labelShift));
        m.put("label_rotate", Float.toString(labelRotate));
        m.put("label_scale", Float.toString(labelScale));
        m.put("label_shear", Float.toString(labelShear));
        m.put("label_bend", Float.toString(labelBend));
        m.put("consistency", Float.toString(consistencyWeight));
        m.put("pseudo_labels", Float.toString(pseudoLabels));
        m.put("validation", Integer.toString(validation));
        m.put("permutation_invariant", Boolean.toString(permutationInvariant));
        m.put("teacher", teacher.name().toLowerCase());
        if (teacher == Teacher.ADVERSARIAL) m.put("adversarial_epsilon", Float.toString(adversarialEpsilon));
        if (teacher == Teacher.AVERAGE) {
            m.put("teacher_noise_until", teacherNoiseUntil == NOISY_THROUGHOUT ? "end" : Integer.toString(teacherNoiseUntil));
        }
        m.put("dcgan_noise", Boolean.toString(dcganNoise));
        m.put("reuse_features", Boolean.toString(reuseFeatures));
        m.put("fake_batch", Integer.toString(fakeBatch > 0 ? fakeBatch : batchSize));
        return m;
    }
}
