package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Lesson09BatchNormBackwardTest {
    @ParameterizedTest
    @CsvSource({"8, 3, 0, 0", "4, 3, 5, 5", "2, 2, 3, 4", "16, 5, 0, 0"})
    void theHandFormulaMatchesTheEngineAndTheChainOfOps(int n, int c, int h, int w) {
        Captured out = new Captured();
        Lesson09BatchNormBackward.Result r = Lesson09BatchNormBackward.run(out.out(), n, c, h, w, 1e-5f, 9);

        double tolerance = 1e-4;
        assertTrue(r.fusedDx() < tolerance && r.fusedDgamma() < tolerance && r.fusedDbeta() < tolerance, out.text());
        assertTrue(r.chainDx() < tolerance && r.chainDgamma() < tolerance && r.chainDbeta() < tolerance, out.text());
        // Leaving out the two correction terms is a real bug; the comparison must see it.
        assertTrue(r.evalRuleDx() > 100 * tolerance, out.text());
    }
}
