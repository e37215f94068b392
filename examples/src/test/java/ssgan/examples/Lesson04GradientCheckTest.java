package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.ops.Activations;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class Lesson04GradientCheckTest {
    @Test
    void correctOpsPassAndTheBrokenOneFails() {
        Captured c = new Captured();
        Lesson04GradientCheck.Result r = Lesson04GradientCheck.run(c.out(), 3, 5, 4);

        Lesson04GradientCheck.Check atOneHundredth = r.logSoftmaxSweep().stream().filter(k -> k.h() == 1e-2).findFirst().orElseThrow();
        assertTrue(atOneHundredth.error() < 1e-3, "logSoftmax at h = 1e-2: " + atOneHundredth.error());
        assertTrue(r.conv2d().error() < 1e-3, "conv2d: " + r.conv2d().error());
        // The wrong rule is 1.5× the right one: a scale-relative error of about 1/2.
        assertTrue(r.broken().error() > 0.3, "the broken op must fail the check: " + r.broken().error());
        assertTrue(c.text().contains("what a bug looks like"), c.text());
    }

    @Test
    void theErrorIsSmallestForAMiddleStep() {
        List<Lesson04GradientCheck.Check> sweep = Lesson04GradientCheck.run(new Captured().out(), 3, 5, 4).logSoftmaxSweep();
        Lesson04GradientCheck.Check best = sweep.stream().min((p, q) -> Double.compare(p.error(), q.error())).orElseThrow();
        // Curvature spoils the largest step, rounding the smallest.
        assertTrue(best.h() < sweep.get(0).h() && best.h() > sweep.get(sweep.size() - 1).h(), "best h " + best.h() + " of " + sweep);
    }

    @Test
    void checksAnotherOpOnItsOwn() {
        Tensor x = Tensor.randn(new Rng(1), 4, 6);
        assertTrue(Lesson04GradientCheck.check("tanh", Activations::tanh, x, 1e-2, 2).error() < 1e-3);
    }
}
