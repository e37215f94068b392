package ssgan.app.model;

import ssgan.app.train.Architecture;
import ssgan.engine.tensor.Rng;

/** Builds the discriminator and generator of an architecture. */
public final class Models {
    private Models() {}

    /** The default feature-matching layer: the last hidden layer of each discriminator. */
    public static int defaultFeatureLayer(Architecture arch) {
        return arch == Architecture.MLP ? MlpDiscriminator.HIDDEN.length : 4;
    }

    public static Discriminator discriminator(Architecture arch, int featureLayer, Rng rng) {
        return discriminator(arch, featureLayer, false, rng);
    }

    /** {@code noisyDcgan}: the dcgan discriminator with the MLP's noise layers (the MLP always has them). */
    public static Discriminator discriminator(Architecture arch, int featureLayer, boolean noisyDcgan, Rng rng) {
        return switch (arch) {
            case MLP -> new MlpDiscriminator(featureLayer, rng);
            case DCGAN -> new DcganDiscriminator(featureLayer, noisyDcgan, rng);
        };
    }

    public static Generator generator(Architecture arch, Rng rng) {
        return switch (arch) {
            case MLP -> new MlpGenerator(rng);
            case DCGAN -> new DcganGenerator(rng);
        };
    }
}
