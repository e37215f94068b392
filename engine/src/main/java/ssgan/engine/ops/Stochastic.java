package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * Random regularisers. They act only while training (in evaluation they return their input unchanged)
 * and draw from the {@link Rng} they are given, so a run is reproducible from its seeds.
 */
public final class Stochastic {
    private Stochastic() {}

    /**
     * Inverted dropout: each element is zeroed with probability p and the survivors are scaled by
     * 1/(1−p), so the expected value is unchanged and evaluation needs no rescaling.
     */
    public static Tensor dropout(Tensor a, float p, boolean training, Rng rng) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        if (!training || p == 0f) return a;
        float keep = p == 1f ? 0f : 1f / (1f - p);
        float[] mask = new float[a.numel()];
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < p ? 0f : keep;
        float[] out = Storage.take(mask.length);
        Elementwise.binary(BinaryOp.MUL, a.data(), mask, out, out.length, false);
        return Tensor.fromOp("dropout", out, a.shape(),
                g -> Elementwise.binary(BinaryOp.MUL, g, mask, a.gradBuffer(), g.length, true), a);
    }

    /** Adds independent N(0, std²) noise to every element; the gradient passes through unchanged. */
    public static Tensor gaussianNoise(Tensor a, float std, boolean training, Rng rng) {
        if (!(std >= 0f)) throw new IllegalArgumentException("gaussianNoise: standard deviation must be ≥ 0, got " + std);
        if (!training || std == 0f) return a;
        DeviceOps device = Devices.opsFor("gaussianNoise", a);
        if (device != null) return device.gaussianNoise(a, std, rng.nextLong());   // one long, as Rng.addGaussian takes
        long start = OpProfile.start();
        float[] out = Storage.take(a.numel());
        rng.addGaussian(a.data(), out, std);
        OpProfile.record("gaussianNoise", false, start);
        return Tensor.fromOp("gaussianNoise", out, a.shape(), a::passGradient, a);
    }
}
