package ssgan.app.model;

import static ssgan.engine.ops.Activations.tanh;

import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Resize;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.BatchNorm1d;
import ssgan.nn.layers.BatchNorm2d;
import ssgan.nn.layers.ConvTranspose2d;
import ssgan.nn.layers.Linear;

/**
 * The deconvolutional generator (layers g1–g4 of the benchmarks): z ~ N(0,1)^128 → linear to 64×2×2 →
 * four 5×5 stride-2 transposed convs (TensorFlow SAME: each doubles the size) to 256, 128, 64 and 1
 * channels, batch norm and ReLU between them → 1×32×32 → bilinear resize to 28×28 → tanh.
 */
public final class DcganGenerator extends Generator {
    static final int NOISE = 128;
    private static final int[] CHANNELS = {64, 256, 128, 64, 1};

    private final Linear project;
    private final BatchNorm1d projectNorm;
    private final ConvTranspose2d[] deconvs = new ConvTranspose2d[4];
    private final BatchNorm2d[] norms = new BatchNorm2d[3];

    public DcganGenerator(Rng rng) {
        project = registerModule("fc", new Linear(NOISE, 64 * 2 * 2, false, rng.split()));
        projectNorm = registerModule("bn0", new BatchNorm1d(64 * 2 * 2));
        for (int i = 0; i < 4; i++) {
            boolean last = i == 3;
            deconvs[i] = registerModule("deconv" + (i + 1),
                    new ConvTranspose2d(CHANNELS[i], CHANNELS[i + 1], 5, ConvTranspose2dSpec.same(2), last, rng.split()));
            if (!last) norms[i] = registerModule("bn" + (i + 1), new BatchNorm2d(CHANNELS[i + 1]));
        }
    }

    @Override
    public Tensor noise(int n, Rng rng) {
        return Tensor.randn(rng, n, NOISE);
    }

    @Override
    public Tensor forward(Tensor z) {
        Tensor h = projectNorm.forwardThenLeakyRelu(project.forward(z), 0f).reshape(z.size(0), 64, 2, 2);   // ReLUs, fused
        for (int i = 0; i < 3; i++) h = norms[i].forwardThenLeakyRelu(deconvs[i].forward(h), 0f);
        h = deconvs[3].forward(h);
        return tanh(Resize.bilinear(h, 28, 28));
    }
}
