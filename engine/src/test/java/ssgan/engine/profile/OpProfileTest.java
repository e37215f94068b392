package ssgan.engine.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Reductions;
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
}
