package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.nn.data.Mnist;

/**
 * StepTimer's host-only device (a cuda device whose driver does nothing) runs the trainer's step with
 * each iteration as one graph, which is what device-check.sh reports as the host's share of a GPU step.
 */
class StepTimerTest {
    @Test
    void theHostOnlyDeviceTimesTheStepAsOneGraphPerIteration() throws Exception {
        Mnist.Splits data = ResumeTest.syntheticDigits(10_300, 20, 3);   // the train defaults hold out 10,000
        String json = StepTimer.measure(data, "host-only:mlp:10:2:3");
        assertTrue(json.contains("\"launches\": \"graphs\"") && json.contains("\"ms_per_step\""), json);
        // the first iteration's calls come in pieces (between the uploads of Adam's tables); then one graph each
        assertTrue(json.matches(".*\"graphs_launched\": ([5-9]|1[0-2]),.*"), json);
    }
}
