package ssgan.app.train;

/** The two model families of the trainer. */
public enum Architecture {
    /** The paper's MNIST model: weight-normalised MLP discriminator with Gaussian noise, MLP generator. */
    MLP,
    /** Conv discriminator (64-128-256-256, batch norm, leaky ReLU) and deconv generator. */
    DCGAN
}
