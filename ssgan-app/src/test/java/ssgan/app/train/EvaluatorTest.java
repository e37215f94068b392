package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Models;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.tensor.Rng;
import ssgan.nn.data.Dataset;

/** An ensemble of discriminators predicts, for each image, the class its members' probabilities favour on average. */
class EvaluatorTest {
    private static final Dataset IMAGES = ResumeTest.syntheticDigits(20, 300, 5).test();

    private static Discriminator model(long seed) {
        return Models.discriminator(Architecture.MLP, 5, new Rng(seed));
    }

    /** Each image's class probabilities under {@code disc}, in eval mode, computed here in double. */
    private static double[][] probabilities(Discriminator disc) {
        disc.eval();
        float[] logits;
        try (var noGrad = GradMode.noGrad()) {
            logits = disc.forward(IMAGES.imagesTensor()).data().clone();
        }
        double[][] p = new double[IMAGES.size()][10];
        for (int i = 0; i < p.length; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < 10; c++) max = Math.max(max, logits[10 * i + c]);
            for (int c = 0; c < 10; c++) sum += p[i][c] = Math.exp(logits[10 * i + c] - max);
            for (int c = 0; c < 10; c++) p[i][c] /= sum;
        }
        return p;
    }

    /** Each image's class with the highest summed probability. */
    private static int[] predictions(double[][]... members) {
        int[] predicted = new int[IMAGES.size()];
        for (int i = 0; i < IMAGES.size(); i++) {
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 10; c++) {
                double score = 0;
                for (double[][] p : members) score += p[i][c];
                if (score > bestScore) {
                    bestScore = score;
                    predicted[i] = c;
                }
            }
        }
        return predicted;
    }

    private static int[][] confusion(double[][]... members) {
        int[][] confusion = new int[10][10];
        int[] predicted = predictions(members);
        for (int i = 0; i < IMAGES.size(); i++) confusion[IMAGES.label(i)][predicted[i]]++;
        return confusion;
    }

    @Test
    void anEnsemblePredictsTheClassOfItsMembersAveragedProbabilities() {
        Discriminator a = model(1), b = model(2), c = model(3);
        double[][] pa = probabilities(a), pb = probabilities(b), pc = probabilities(c);
        int[][] expected = confusion(pa, pb, pc);
        // The members disagree, so an ensemble that listened to one of them only would be caught.
        for (double[][] member : List.of(pa, pb, pc)) {
            assertTrue(!java.util.Arrays.deepEquals(expected, confusion(member)), "a member alone predicts what the ensemble does");
        }
        Evaluator.Result r = Evaluator.evaluate(List.of(a, b, c), IMAGES, 0);
        assertArrayEquals(expected, r.confusion());
        assertArrayEquals(predictions(pa, pb, pc), r.predicted(), "each image's class, in the data's order");
        int correct = 0;
        for (int k = 0; k < 10; k++) correct += expected[k][k];
        assertEquals((double) correct / IMAGES.size(), r.accuracy(), 1e-12);
        assertArrayEquals(confusion(pa), Evaluator.evaluate(List.of(a), IMAGES, 0).confusion(), "an ensemble of one");
    }
}
