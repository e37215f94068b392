package ssgan.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void constant() {
        LrSchedule s = LrSchedule.constant(3e-4f);
        assertEquals(3e-4f, s.lr(0));
        assertEquals(3e-4f, s.lr(1000));
    }

    @Test
    void linearDecayMatchesTheImprovedGanFormula() {
        float lr = 3e-3f;
        LrSchedule s = LrSchedule.linearDecay(lr, 800, 1200);
        for (int epoch : new int[] {0, 1, 400, 799, 800, 801, 900, 1000, 1199, 1200, 1300}) {
            // The Theano code: lr·min(3 − epoch/400, 1), clamped at zero after the end.
            double expected = lr * Math.max(0, Math.min(3.0 - epoch / 400.0, 1.0));
            assertEquals(expected, s.lr(epoch), 1e-9, "epoch " + epoch);
        }
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.linearDecay(lr, 10, 10));
    }

    @Test
    void stepDecayMultipliesEveryPeriod() {
        LrSchedule s = LrSchedule.stepDecay(1f, 10, 0.5f);
        assertEquals(1f, s.lr(0));
        assertEquals(1f, s.lr(9));
        assertEquals(0.5f, s.lr(10));
        assertEquals(0.25f, s.lr(25));
    }

    @Test
    void optimiserTakesTheScheduledRate() {
        var p = ssgan.engine.tensor.Tensor.zeros(1).requiresGrad(true);
        Sgd sgd = new Sgd(java.util.Map.of("p", p), Sgd.Options.plain(1f));
        LrSchedule s = LrSchedule.linearDecay(1f, 0, 4);
        sgd.setLr(s.lr(1));
        assertEquals(0.75f, sgd.lr());
        assertThrows(IllegalArgumentException.class, () -> sgd.setLr(Float.NaN));
    }
}
