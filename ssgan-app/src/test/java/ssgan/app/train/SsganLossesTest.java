package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

class SsganLossesTest {
    private static double logSumExp(double... l) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : l) m = Math.max(m, v);
        double s = 0;
        for (double v : l) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    @Test
    void unsupervisedLossMatchesTheKPlusOneClassFormula() {
        // Two real rows and two fake rows of 3 logits; D(x) = Z/(Z+1), Z = sum exp(l).
        double[][] real = {{1, 2, 0.5}, {-1, 0, 3}};
        double[][] fake = {{0.2, -0.4, 0.1}, {2, 2, 2}};
        double expected = 0;
        for (double[] r : real) {
            double z = Math.exp(logSumExp(r));
            expected += -Math.log(z / (z + 1)) / real.length;
        }
        for (double[] f : fake) {
            double z = Math.exp(logSumExp(f));
            expected += -Math.log(1 - z / (z + 1)) / fake.length;
        }
        Tensor loss = SsganLosses.unsupervised(
                Tensor.of(new float[] {1, 2, 0.5f, -1, 0, 3}, 2, 3),
                Tensor.of(new float[] {0.2f, -0.4f, 0.1f, 2, 2, 2}, 2, 3));
        assertEquals(expected, loss.item(), 1e-6);
    }

    @Test
    void unsupervisedLossStaysFiniteForHugeLogits() {
        Tensor loss = SsganLosses.unsupervised(Tensor.of(new float[] {500, -500}, 1, 2), Tensor.of(new float[] {-500, -400}, 1, 2));
        // real: -log D = softplus(-500) ~ 0; fake: softplus(-400) ~ 0
        assertEquals(0, loss.item(), 1e-6);
        Tensor bad = SsganLosses.unsupervised(Tensor.of(new float[] {-300, -300}, 1, 2), Tensor.of(new float[] {300, 300}, 1, 2));
        // real: softplus(300 - log 2) ; fake: softplus(300 + log 2)
        assertEquals((300 - Math.log(2)) + (300 + Math.log(2)), bad.item(), 1e-3);
    }

    @Test
    void supervisedLossIsCrossEntropyOverTheRealClasses() {
        Tensor logits = Tensor.of(new float[] {2, 0, -1, 0.5f, 0.5f, 3}, 2, 3);
        double expected = ((logSumExp(2, 0, -1) - 2) + (logSumExp(0.5, 0.5, 3) - 3)) / 2;
        assertEquals(expected, SsganLosses.supervised(logits, new int[] {0, 2}, 0f).item(), 1e-6);
    }

    @Tag("exercise-feature-matching")
    @Test
    void featureMatchingComparesBatchMeansAndTreatsRealAsConstant() {
        Tensor real = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);      // means 2, 3
        Tensor fake = Tensor.of(new float[] {0, 0, 2, 4}, 2, 2);      // means 1, 2
        Tensor fm = SsganLosses.featureMatching(real, fake);
        assertEquals(((2 - 1) * (2 - 1) + (3 - 2) * (3 - 2)) / 2.0, fm.item(), 1e-6);

        Tensor realGrad = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor fakeGrad = Tensor.of(new float[] {0, 0, 2, 4}, 2, 2).requiresGrad(true);
        SsganLosses.featureMatching(realGrad, fakeGrad).backward();
        assertEquals(null, realGrad.gradData(), "the real features are a target, not trained through");
        // d/dfake_ij of mean_j (mf_j - mr_j)^2 = (mf_j - mr_j) / (F * N) * 2 = (-1) * 2 / 4
        assertEquals(-0.5, fakeGrad.gradData()[0], 1e-6);
    }

    @Test
    void lossesHaveCorrectGradients() {
        Tensor real = Tensor.of(new float[] {0.3f, -1.2f, 0.8f, 2.0f, -0.5f, 0.1f}, 2, 3).requiresGrad(true);
        Tensor fake = Tensor.of(new float[] {-0.7f, 0.4f, 1.1f, -2.0f, 0.9f, 0.2f}, 2, 3).requiresGrad(true);
        GradCheck.standard().check("unsupervised", in -> SsganLosses.unsupervised(in[0], in[1]), real, fake);
        GradCheck.standard().check("consistency", in -> SsganLosses.consistency(in[0], in[1]), real, fake);
    }

    @Test
    void consistencyIsTheSquaredDistanceOfTheTwoSoftmaxesPerImage() {
        // Image 1: softmax(0, ln 3) = (1/4, 3/4) against softmax(0, 0) = (1/2, 1/2): (1/4)² + (1/4)² = 1/8.
        // Image 2: the same logits twice: 0. Mean over the two images: 1/16.
        float ln3 = (float) Math.log(3);
        Tensor a = Tensor.of(new float[] {0, ln3, 5, -1}, 2, 2);
        Tensor b = Tensor.of(new float[] {0, 0, 5, -1}, 2, 2);
        assertEquals(1.0 / 16, SsganLosses.consistency(a, b).item(), 1e-6);
        assertEquals(0.0, SsganLosses.consistency(a, a).item(), 0.0);
    }

    @Test
    void pseudoLabelsTrainTheStudentOnlyOnTheClassesTheTeacherIsSureOf() {
        // Teacher: image 1 sure of class 2 (softmax 0.98), image 2 unsure (0.5, 0.25, 0.25), image 3 just above the threshold (0.96).
        float sure = (float) Math.log(0.98 / 0.01), edge = (float) Math.log(0.96 / 0.02);
        Tensor teacher = Tensor.of(new float[] {0, 0, sure, (float) Math.log(2), 0, 0, 0, edge, 0}, 3, 3);
        Tensor student = Tensor.of(new float[] {0.3f, -1.2f, 0.8f, 2.0f, -0.5f, 0.1f, 1f, 2f, 3f}, 3, 3).requiresGrad(true);
        double expected = ((logSumExp(0.3, -1.2, 0.8) - 0.8) + (logSumExp(1, 2, 3) - 2)) / 3;   // divided by the whole batch
        assertEquals(expected, SsganLosses.pseudoLabels(student, teacher, 0.95f).item(), 1e-5);
        assertEquals(0.0, SsganLosses.pseudoLabels(student, teacher, 0.99f).item(), 0.0, "no image is 99 % sure");
        GradCheck.standard().check("pseudoLabels", in -> SsganLosses.pseudoLabels(in[0], teacher, 0.95f), student);
    }
}
