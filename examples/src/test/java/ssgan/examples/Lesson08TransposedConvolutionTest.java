package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.ops.Padding;

class Lesson08TransposedConvolutionTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(2, 3, 8, 8, 4, 3, 1, Padding.of(1)),
                Arguments.of(2, 4, 14, 14, 6, 5, 2, Padding.SAME),
                Arguments.of(1, 2, 8, 9, 3, 3, 2, Padding.of(1)),        // 8 rows: needs an output padding of 1
                Arguments.of(1, 3, 6, 5, 2, 2, 2, Padding.of(0, 1, 1, 0)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theTransposedConvolutionIsTheAdjoint(int n, int c, int h, int w, int o, int k, int stride, Padding padding) {
        Captured out = new Captured();
        Lesson08TransposedConvolution.Result r = Lesson08TransposedConvolution.run(out.out(), n, c, h, w, o, k, stride, padding, 8);

        assertTrue(r.difference() <= r.bound(), out.text());
        // A flipped kernel must fail the same test, by far: otherwise the check could not fail.
        assertTrue(r.wrongDifference() > 100 * r.bound(), out.text());
        assertTrue(r.gradientRatio() <= 1, out.text());
        assertTrue(out.text().contains("⟨conv(x), y⟩") && out.text().contains("⟨x, convT(y)⟩"), out.text());
    }
}
