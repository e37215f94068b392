package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.nn.io.TrainingState;

class CollapseGuardTest {
    private static final int INTERVAL = 600;
    /** A discriminator's unsupervised loss in a healthy game (0.12 and above in the mlp's traces). */
    private static final float HEALTHY_D = 0.2f;

    private static void feed(CollapseGuard guard, float loss, int times) {
        for (int i = 0; i < times; i++) guard.observe(loss, HEALTHY_D);
    }

    /** One complete evaluation interval at a constant loss. */
    private static void interval(CollapseGuard guard, float loss) {
        feed(guard, loss, INTERVAL);
        guard.endInterval();
    }

    /** A healthy-looking loss: a level that drifts slowly, with noise and single-iteration spikes of 3×. */
    private static float healthy(Rng rng, long i) {
        float level = 3f + 2f * (float) Math.sin(i / 5000.0);
        float spike = rng.nextInt(200) == 0 ? 3f : 1f;
        return level * spike * (0.6f + 0.8f * rng.nextFloat());
    }

    /** {@code iterations} healthy iterations from the start, in complete evaluation intervals. */
    private static void trainHealthily(CollapseGuard guard, Rng rng, long iterations) {
        for (long i = 1; i <= iterations; i++) {
            guard.observe(healthy(rng, i), HEALTHY_D);
            if (i % INTERVAL == 0) guard.endInterval();
        }
    }

    @Test
    void healthyRunNeverTriggers() {
        CollapseGuard guard = new CollapseGuard(6);
        Rng rng = new Rng(1);
        for (long i = 1; i <= 60_000; i++) {
            guard.observe(healthy(rng, i), HEALTHY_D);
            assertFalse(guard.collapsed(), "triggered at iteration " + i);
            if (i % INTERVAL == 0) guard.endInterval();
        }
    }

    @Test
    void runawayLossTriggersWithinTwoHundredIterations() {
        CollapseGuard guard = new CollapseGuard(6);
        Rng rng = new Rng(2);
        trainHealthily(guard, rng, 6_000);
        assertFalse(guard.collapsed());
        int after = 0;
        while (!guard.collapsed()) {
            guard.observe(60f, HEALTHY_D);
            after++;
        }
        // The window of 300 holds losses near 5 (the level at 6,000); 60s pass 6× that once about 135 are new.
        assertTrue(after > 100 && after < 200, "took " + after + " iterations");
    }

    /** The two episodes measured with the mlp (see CollapseGuard), as 50-iteration means after a level of 6. */
    @Test
    void recoveringSpikeIsToleratedSustainedRiseIsNot() {
        float[] recovered = {12, 28, 45, 16, 10, 5, 6, 6, 6, 6, 6, 6};   // seed 2, one thread, at 7,600
        float[] collapsed = {7, 9, 12, 12, 23, 32, 41, 52, 59, 50, 58, 56};  // seed 1, two threads, at 6,200
        assertFalse(triggers(recovered));
        assertTrue(triggers(collapsed));
    }

    private static boolean triggers(float[] blockMeans) {
        CollapseGuard guard = new CollapseGuard(6);
        for (int i = 0; i < 3; i++) interval(guard, 6f);
        boolean triggered = false;
        for (float mean : blockMeans) {
            for (int i = 0; i < 50; i++) {
                guard.observe(mean, HEALTHY_D);
                triggered |= guard.collapsed();
            }
        }
        return triggered;
    }

    @Test
    void anIntervalWithARiseDoesNotRaiseTheBaseline() {
        CollapseGuard guard = new CollapseGuard(6);
        for (float level : new float[] {5f, 4f, 50f}) interval(guard, level);
        assertEquals(5.0, guard.baseline(), 1e-9, "the median of 5, 4 and 50");
        feed(guard, 50f, CollapseGuard.WINDOW);
        assertTrue(guard.collapsed(), "10× the baseline, although the last interval was at 50 too");
        interval(guard, 50f);
        assertEquals(50.0, guard.baseline(), 1e-9, "after two of three intervals at the new level it is the baseline");
        assertFalse(guard.collapsed());
    }

    @Test
    void needsABaselineAndAFullWindowAndCanBeTurnedOff() {
        CollapseGuard early = new CollapseGuard(6);
        for (int i = 0; i < 500; i++) early.observe(i < 50 ? 1f : 1000f, HEALTHY_D);
        assertFalse(early.collapsed(), "no evaluation interval has ended, so there is no baseline");

        CollapseGuard off = new CollapseGuard(0);
        interval(off, 1f);
        feed(off, 1000f, CollapseGuard.WINDOW);
        assertFalse(off.collapsed());

        // Intervals of 50 iterations, then a full window far above them: still no baseline to compare with.
        CollapseGuard shortIntervals = new CollapseGuard(6);
        for (int i = 0; i < 3; i++) {
            feed(shortIntervals, 1f, 50);
            shortIntervals.endInterval();
        }
        feed(shortIntervals, 1000f, CollapseGuard.WINDOW);
        assertFalse(shortIntervals.collapsed(), "an interval shorter than the window sets no baseline");
    }

    @Test
    void saveAndRestoreContinueExactly() {
        CollapseGuard a = new CollapseGuard(6);
        Rng rng = new Rng(3);
        for (long i = 1; i <= 1_000; i++) {
            a.observe(healthy(rng, i), i < 800 ? HEALTHY_D : won(rng));   // the last 200 won: judged on the restored window too
            if (i % INTERVAL == 0) a.endInterval();
        }
        TrainingState state = new TrainingState();
        a.save(state);
        CollapseGuard b = new CollapseGuard(6);
        b.restore(state);
        for (int i = 0; i < 300; i++) {
            float loss = 5f + i;
            a.observe(loss, HEALTHY_D);
            b.observe(loss, HEALTHY_D);
            assertEquals(a.recentMean(), b.recentMean());
            assertEquals(a.recentUnsupervisedMedian(), b.recentUnsupervisedMedian());
            assertEquals(a.collapsed(), b.collapsed());
            if (i == 199) {
                a.endInterval();
                b.endInterval();
                assertEquals(a.baseline(), b.baseline());
            }
        }
    }

    /** The unsupervised losses of a game whose discriminator wins: near 0.01, with spikes as in the measured trace. */
    private static float won(Rng rng) {
        return rng.nextInt(25) == 0 ? 3f : 0.002f + 0.02f * rng.nextFloat();
    }

    @Test
    void aDiscriminatorThatWinsIsCaughtOnceTheFirstIntervalIsComplete() {
        CollapseGuard guard = new CollapseGuard(6);
        Rng rng = new Rng(4);
        // Broken from iteration 400 on, before the first evaluation: not yet judged (healthy games dip this low early).
        for (long i = 1; i <= INTERVAL; i++) {
            guard.observe(i < 400 ? 8f : 25f, i < 400 ? HEALTHY_D : won(rng));
            assertFalse(guard.collapsed(), "judged before the first interval ended, at " + i);
        }
        guard.endInterval();
        // The feature-matching loss stays within 6× the broken first interval's mean: only the second test sees it.
        guard.observe(30f, won(rng));
        assertTrue(guard.collapsed(), "the window's median unsupervised loss is " + guard.recentUnsupervisedMedian());
        assertTrue(guard.describe().startsWith("the discriminator has won"), guard.describe());
    }

    @Test
    void aDiscriminatorThatWinsSlowlyLaterIsCaughtThoughEachIntervalRaisesTheBaseline() {
        CollapseGuard guard = new CollapseGuard(6);
        Rng rng = new Rng(6);
        trainHealthily(guard, rng, 6_000);
        // The generator's loss creeps up by a fifth per interval: always within 6× its baseline, which follows it.
        float level = 5f;
        int after = 0;
        while (!guard.collapsed() && after < 5 * INTERVAL) {   // bounded: a guard that never sees it fails, not hangs
            guard.observe(level * (0.6f + 0.8f * rng.nextFloat()), won(rng));
            assertTrue(guard.recentMean() <= 6 * guard.baseline(), "the comparison fired; this test is about the other one");
            if (++after % INTERVAL == 0) {
                guard.endInterval();
                level *= 1.2f;
            }
        }
        assertTrue(guard.collapsed(), "not caught within " + after + " iterations");
        assertTrue(guard.describe().startsWith("the discriminator has won"), guard.describe());
        // Caught once more than half of the window of 300 has won: the median needs 151 of them.
        assertTrue(after > 150 && after < 200, "took " + after + " iterations");
    }

    @Test
    void aHealthyDiscriminatorWithLowMomentsIsNotTakenForAWinner() {
        CollapseGuard guard = new CollapseGuard(6);
        Rng rng = new Rng(5);
        for (long i = 1; i <= 20 * INTERVAL; i++) {
            // Mostly 0.06 to 0.5, one iteration in five as low as 0.01: the median stays near 0.2.
            float d = rng.nextInt(5) == 0 ? 0.01f + 0.02f * rng.nextFloat() : 0.06f + 0.44f * rng.nextFloat();
            guard.observe(healthy(rng, i), d);
            assertFalse(guard.collapsed(), "triggered at iteration " + i + ": " + guard.describe());
            if (i % INTERVAL == 0) guard.endInterval();
        }
        assertFalse(new CollapseGuard(0).collapsed(), "off");
        CollapseGuard off = new CollapseGuard(0);
        for (int i = 0; i < 2 * INTERVAL; i++) off.observe(5f, 0f);
        off.endInterval();
        assertFalse(off.collapsed(), "a guard turned off never judges");
    }
}
