package ssgan.app.train;

/** The model families of the trainer. */
public enum Architecture {
    /** The paper's MNIST model: weight-normalised MLP discriminator with Gaussian noise, MLP generator. */
    MLP,
    /** Conv discriminator (64-128-256-256, batch norm, leaky ReLU) and deconv generator. */
    DCGAN,
    /** A small weight-normalised conv discriminator (32-64-128) with the MLP's noise, and the MLP generator. */
    CNN;

    /** Whether the discriminator has Gaussian noise layers, so that two passes over one batch differ. */
    public boolean noisyDiscriminator() {
        return this != DCGAN;
    }
}
