package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.optim.Adam;

class Lesson10AdamStepTest {
    @ParameterizedTest
    @EnumSource(Adam.Epsilon.class)
    void theOptimiserMatchesTheHandComputation(Adam.Epsilon placement) {
        Captured out = new Captured();
        Lesson10AdamStep.Result r = Lesson10AdamStep.run(out.out(), 33, 5, 0.01f, placement, 10);

        assertEquals(5, r.maxDifferencePerStep().length);
        double tolerance = 1e-5;
        for (double d : r.maxDifferencePerStep()) assertTrue(d < tolerance, out.text());
        assertTrue(r.firstStepDeviationFromLr() < 1e-3, out.text());
        assertTrue(r.uncorrectedFirstStepDifference() > 100 * tolerance, "the comparison can tell a missing bias correction");
    }

    /** The lesson's claim, checked on the optimiser alone: the first step moves each parameter by lr·sign(g), whatever g's scale. */
    @ParameterizedTest
    @EnumSource(Adam.Epsilon.class)
    void theFirstStepIsLrTimesTheSignOfTheGradient(Adam.Epsilon placement) {
        float lr = 0.01f;
        float[] grads = {1e3f, -2f, 0.5f, -1e-2f};
        Tensor p = Tensor.zeros(grads.length).requiresGrad(true);
        Adam adam = new Adam(Map.of("p", p), Adam.Options.defaults().withLr(lr).withEps(1e-8f, placement));
        p.accumulateGrad(grads);
        adam.step();
        for (int i = 0; i < grads.length; i++) assertEquals(-lr * Math.signum(grads[i]), p.data()[i], 1e-6, "parameter " + i);
    }
}
