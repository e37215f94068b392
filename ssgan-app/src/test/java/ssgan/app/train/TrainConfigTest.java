package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainConfigTest {
    private static TrainConfig withBudget(int iterations, double decay) {
        return new TrainConfig(Architecture.MLP, 200, 1, iterations, 100, 0.003f, 0.5f, 1e-8f, null, null, 1, 600, 5,
                0f, 0.5f, 0f, 0.001f, false, 0, 0, decay, 6, 2, 3f, 10_000, false, TrainConfig.Teacher.PAIR, false, 0f, 0f, 0f, 0f, 0f, false, 0, 0f, TrainConfig.NOISY_THROUGHOUT, 0.003f, 0.5f);
    }

    @Test
    void theDecayIsTheLastFractionOfTheBudget() {
        assertEquals(12_000, withBudget(24_000, 0.5).decayStart());
        assertEquals(16_000, withBudget(24_000, 1 / 3.0).decayStart());
        assertEquals(24_000, withBudget(24_000, 0).decayStart(), "0: never, a constant rate");
        assertEquals(0, withBudget(24_000, 1).decayStart(), "1: from the first iteration");
        assertEquals(7, withBudget(10, 0.25).decayStart(), "rounded to whole iterations");
    }
}
