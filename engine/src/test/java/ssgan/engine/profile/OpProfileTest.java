package ssgan.engine.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Reductions;
import ssgan.engine.ops.Stochastic;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class OpProfileTest {
    @AfterEach
    void off() {
        OpProfile.enable(false);
        OpProfile.reset();
    }

    private static void convStep() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 2, 3, 9, 9).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 4, 3, 3, 3).requiresGrad(true);
        Reductions.sum(Convolution.conv2d(x, w, null, Conv2dSpec.same(1))).backward();
    }

    @Test
    void recordsForwardAndBackwardOfTimedOpsOnlyWhileEnabled() {
        OpProfile.reset();
        convStep();
        assertTrue(OpProfile.snapshot().isEmpty(), "nothing is recorded while the profile is off");

        OpProfile.enable(true);
        convStep();
        Map<String, OpProfile.Times> times = OpProfile.snapshot();
        assertTrue(times.get("conv2d").forwardNanos() > 0, times.toString());
        assertTrue(times.get("conv2d").backwardNanos() > 0, times.toString());
        // sum times only its backward: its forward is not one of the self-timed heavy ops.
        assertEquals(0, times.get("sum").forwardNanos(), times.toString());

        OpProfile.reset();
        assertTrue(OpProfile.snapshot().isEmpty());
    }

    @Test
    void theNoiseTimesItsForward() {
        OpProfile.enable(true);
        Stochastic.gaussianNoise(Tensor.zeros(4, 1000), 0.5f, true, new Rng(1));
        assertTrue(OpProfile.snapshot().get("gaussianNoise").forwardNanos() > 0, OpProfile.snapshot().toString());
    }

    @Test
    void countsTheCallersChunksAndWaitsOfParallelLoopsWhileEnabled() {
        int previous = Parallel.threads();
        Parallel.setThreads(2);
        try {
            OpProfile.reset();
            Parallel.forRange(2, 1, (chunk, from, to) -> { });
            assertEquals(0, OpProfile.loops().count(), "nothing is counted while the profile is off");

            OpProfile.enable(true);
            // The other thread's chunk sleeps: the caller's wait for it is what the profile must see.
            Parallel.forRange(2, 1, (chunk, from, to) -> {
                if (chunk == 1) LockSupport.parkNanos(20_000_000);
            });
            Parallel.forRange(1, 1, (chunk, from, to) -> { });   // one chunk: no loop on the team, not counted
            OpProfile.Loops loops = OpProfile.loops();
            assertEquals(1, loops.count(), loops.toString());
            assertTrue(loops.waitNanos() >= 15_000_000, "the caller waited for the sleeping chunk: " + loops);
            assertTrue(loops.ownChunkNanos() < loops.waitNanos(), "its own chunk was empty: " + loops);

            OpProfile.reset();
            assertEquals(new OpProfile.Loops(0, 0, 0), OpProfile.loops());
        } finally {
            Parallel.setThreads(previous);
        }
    }
}
