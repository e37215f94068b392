package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.kernels.UnaryOp;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/** The nonlinearities of the networks. */
public final class Activations {
    private Activations() {}

    /** max(x, 0); the gradient at exactly 0 is 0, as in PyTorch. */
    public static Tensor relu(Tensor a) {
        return leaky("relu", a, 0f);
    }

    /** x for x > 0, slope·x otherwise (the GAN discriminator uses slope 0.2). */
    public static Tensor leakyRelu(Tensor a, float slope) {
        return leaky("leakyRelu", a, slope);
    }

    public static Tensor tanh(Tensor a) {
        return Pointwise.unary("tanh", UnaryOp.TANH, a);
    }

    public static Tensor sigmoid(Tensor a) {
        return Pointwise.unary("sigmoid", UnaryOp.SIGMOID, a);
    }

    /** log(1 + eˣ), stable for large |x|: max(x, 0) + log1p(e^−|x|). Its derivative is sigmoid(x). */
    public static Tensor softplus(Tensor a) {
        return Pointwise.unary("softplus", UnaryOp.SOFTPLUS, a);
    }

    private static Tensor leaky(String name, Tensor a, float slope) {
        DeviceOps device = Devices.opsFor(name, a);
        if (device != null) return device.leakyRelu(name, a, slope);
        float[] x = a.data();
        float[] out = Storage.take(x.length);
        Elementwise.leakyRelu(x, slope, out, x.length);
        return Tensor.fromOp(name, out, a.shape(), g -> {
            boolean accumulate = a.gradData() != null;   // no buffer yet: write a new one, do not add
            Elementwise.leakyReluBackward(x, slope, g, a.gradBufferToOverwrite(), g.length, accumulate);
        }, a);
    }
}
