package ssgan.benchmarks;

import java.util.Map;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.Models;
import ssgan.app.train.Architecture;
import ssgan.app.train.SsganStep;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.WeightNorm;
import ssgan.nn.optim.Adam;

/**
 * One training iteration ready to run: both networks, their optimisers and synthetic batches of MNIST's
 * shape. The batch sizes are those of the PyTorch reference ({@code benchmarks/pytorch_step.py} runs the
 * same iteration): 100 for the MLP, 50 for the DCGAN.
 */
final class TrainingStepFixture {
    private final SsganStep step;
    private final Tensor labelled;
    private final int[] labels;
    private final Tensor unlabelled;
    private final Tensor unlabelled2;
    final int batch;

    TrainingStepFixture(String arch) {
        Architecture architecture = Architecture.valueOf(arch.toUpperCase());
        batch = architecture == Architecture.MLP ? 100 : 50;
        Rng rng = new Rng(42);
        Discriminator disc = Models.discriminator(architecture, Models.defaultFeatureLayer(architecture), rng.split());
        Generator gen = Models.generator(architecture, rng.split());
        labelled = images(rng, batch);
        unlabelled = images(rng, batch);
        unlabelled2 = images(rng, batch);
        labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        if (architecture == Architecture.MLP) WeightNorm.initialize(disc, images(rng, 500));

        Adam.Options options = Adam.Options.defaults().withLr(3e-4f).withBetas(0.5f, 0.999f);
        step = new SsganStep(disc, gen, new Adam(disc.namedTrainableParameters(), options), new Adam(gen.namedTrainableParameters(), options),
                rng.split(), 0f, 0.5f);
    }

    SsganStep.Losses run() {
        return step.run(labelled, labels, unlabelled, unlabelled2);
    }

    /** Uniform pixels in [-1, 1], the range the trainer feeds. */
    private static Tensor images(Rng rng, int n) {
        Tensor t = Tensor.rand(rng, n, 1, 28, 28);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = 2 * d[i] - 1;
        return t;
    }

}
