package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ssgan.engine.tensor.Tensor;

class Lesson02TensorsTest {
    @ParameterizedTest
    @CsvSource({"2, 3, 4", "1, 1, 1", "3, 1, 5", "4, 6, 2"})
    void rowMajorStridesAndSharedStorage(int a, int b, int c) {
        Captured out = new Captured();
        Lesson02Tensors.Result r = Lesson02Tensors.run(out.out(), a, b, c);

        assertArrayEquals(new int[] {a, b, c}, r.shape());
        assertArrayEquals(new int[] {b * c, c, 1}, r.strides());
        assertTrue(r.indexingMatches());
        assertTrue(r.reshapeShares());
        assertFalse(r.copyShares());
        assertTrue(out.text().contains("nothing was copied"), out.text());
    }

    /** The layout the lesson describes, checked on its own: arange's value is the row-major offset. */
    @ParameterizedTest
    @CsvSource({"2, 3, 4", "3, 1, 5"})
    void arangeValuesAreRowMajorOffsets(int a, int b, int c) {
        Tensor t = Tensor.arange(a * b * c).reshape(a, b, c);
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < c; k++) assertEquals((i * b + j) * c + k, t.get(i, j, k));
    }
}
