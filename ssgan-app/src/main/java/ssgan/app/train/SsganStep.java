package ssgan.app.train;

import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.mulScalar;

import java.util.List;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.ops.Shapes;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.optim.Adam;

/**
 * One training iteration of the semi-supervised GAN: a discriminator step on a labelled, an unlabelled
 * and a generated batch, then a generator step by feature matching on a second unlabelled batch.
 * This is the whole method; {@link Trainer} only feeds it batches and keeps records.
 */
public final class SsganStep {
    /** The losses of one iteration, for logs and the NaN guard. */
    public record Losses(float supervised, float unsupervised, float generator) {
        public boolean finite() {
            return Float.isFinite(supervised) && Float.isFinite(unsupervised) && Float.isFinite(generator);
        }
    }

    private final Discriminator disc;
    private final Generator gen;
    private final Adam discOptimizer;
    private final Adam genOptimizer;
    private final Rng noiseRng;
    private final float labelSmoothing;
    private final float unsupervisedWeight;
    private final List<Tensor> discParameters;
    private float consistencyWeight;

    public SsganStep(Discriminator disc, Generator gen, Adam discOptimizer, Adam genOptimizer, Rng noiseRng,
                     float labelSmoothing, float unsupervisedWeight) {
        this.disc = disc;
        this.gen = gen;
        this.discOptimizer = discOptimizer;
        this.genOptimizer = genOptimizer;
        this.noiseRng = noiseRng;
        this.labelSmoothing = labelSmoothing;
        this.unsupervisedWeight = unsupervisedWeight;
        // Only the trainable ones: some (the MLP's hidden scales) stay frozen for the whole run.
        this.discParameters = disc.parameters().stream().filter(Tensor::requiresGrad).toList();
    }

    /** The weight of the consistency loss from now on; 0 (the start) leaves it out, and the step is then the paper's. */
    public void setConsistencyWeight(float weight) {
        consistencyWeight = weight;
    }

    public Losses run(Tensor labelledImages, int[] labels, Tensor unlabelledImages, Tensor unlabelledImages2) {
        int batch = unlabelledImages.size(0);

        // Discriminator: classify the labelled batch, call real images real and generated ones fake.
        // The generated batch is a constant here: no gradient flows into the generator.
        Tensor fake;
        try (var scope = GradMode.noGrad()) {
            fake = gen.forward(gen.noise(batch, noiseRng));
        }
        // With consistency, the unlabelled batch goes through a second time, under other noise draws.
        boolean consistency = consistencyWeight > 0;
        Tensor[] logits = consistency
                ? classifyEach(labelledImages, unlabelledImages, fake, unlabelledImages)
                : classifyEach(labelledImages, unlabelledImages, fake);
        Tensor supervised = SsganLosses.supervised(logits[0], labels, labelSmoothing);
        Tensor unsupervised = SsganLosses.unsupervised(logits[1], logits[2]);
        Tensor discLoss = add(supervised, mulScalar(unsupervised, unsupervisedWeight));
        if (consistency) {
            discLoss = add(discLoss, mulScalar(SsganLosses.consistency(logits[1], logits[3]), consistencyWeight));
        }
        discOptimizer.zeroGrad();
        discLoss.backward();
        discOptimizer.step();

        // Generator: make the discriminator's features of generated images match those of real ones.
        // The discriminator's weights are frozen for this pass, so backward computes only what the
        // generator needs (input gradients through D, no weight gradients).
        Tensor realFeatures;
        try (var scope = GradMode.noGrad()) {
            realFeatures = disc.classify(unlabelledImages2).features();
        }
        Tensor genLoss;
        setRequiresGrad(discParameters, false);
        try {
            Tensor fakeFeatures = disc.classify(gen.forward(gen.noise(batch, noiseRng))).features();
            genLoss = SsganLosses.featureMatching(realFeatures, fakeFeatures);
            genOptimizer.zeroGrad();
            genLoss.backward();
        } finally {
            setRequiresGrad(discParameters, true);
        }
        genOptimizer.step();
        return new Losses(supervised.item(), unsupervised.item(), genLoss.item());
    }

    /** The logits of each batch: in one pass over their concatenation when the discriminator allows it. */
    private Tensor[] classifyEach(Tensor... batches) {
        Tensor[] logits = new Tensor[batches.length];
        if (disc.usesBatchStatistics()) {
            for (int i = 0; i < batches.length; i++) logits[i] = disc.classify(batches[i]).logits();
            return logits;
        }
        int[] sizes = new int[batches.length];
        for (int i = 0; i < batches.length; i++) sizes[i] = batches[i].size(0);
        return Shapes.split(disc.classify(Shapes.concat(0, batches)).logits(), 0, sizes);
    }

    private static void setRequiresGrad(List<Tensor> parameters, boolean value) {
        for (Tensor p : parameters) p.requiresGrad(value);
    }
}
