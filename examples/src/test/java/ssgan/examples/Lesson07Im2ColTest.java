package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Lesson07Im2ColTest {
    @Test
    void theTinyCasePrintsTheIndexMapAndMatchesTheEngine() {
        Captured c = new Captured();
        Lesson07Im2Col.Result r = Lesson07Im2Col.run(c.out(), 1, 1, 4, 4, 1, 3, 1, 1, true, 7);

        assertEquals(4, r.geometry().outH());
        assertEquals(4, r.geometry().outW());
        // The map, worked out here from the picture: output (oy, ox), tap (ky, kx) reads (oy + ky − 1, ox + kx − 1).
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                for (int oy = 0; oy < 4; oy++) {
                    for (int ox = 0; ox < 4; ox++) {
                        int iy = oy + ky - 1, ix = ox + kx - 1;
                        int want = iy < 0 || iy > 3 || ix < 0 || ix > 3 ? -1 : 4 * iy + ix;
                        assertEquals(want, r.offsets()[(3 * ky + kx) * 16 + 4 * oy + ox], "tap " + ky + "," + kx + " at " + oy + "," + ox);
                        // The input holds 1..16, so each column entry is the pixel index + 1, or 0 in the padding.
                        assertEquals(want + 1, r.columns()[(3 * ky + kx) * 16 + 4 * oy + ox]);
                    }
                }
            }
        }
        assertTrue(r.explicit() <= 1 && r.implicit() <= 1 && r.engine() <= 1, c.text());
        assertTrue(c.text().contains("index map"), c.text());
        String centre = c.text().lines().filter(l -> l.contains("(1,1)")).findFirst().orElseThrow().trim();
        assertEquals("4 (1,1) 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", centre.replaceAll("\\s+", " "),
                "the printed map: the centre tap reads every pixel in order");
    }

    @ParameterizedTest
    @CsvSource({"2, 3, 9, 8, 4, 3, 2, 1", "1, 2, 5, 7, 3, 5, 1, 2", "3, 1, 6, 6, 2, 1, 1, 0", "1, 4, 7, 7, 5, 3, 3, 0"})
    void allThreeRoutesAgreeWithTheDirectConvolution(int n, int ch, int h, int w, int o, int k, int stride, int pad) {
        Lesson07Im2Col.Result r = Lesson07Im2Col.run(new Captured().out(), n, ch, h, w, o, k, stride, pad, false, 7);
        assertEquals((h + 2 * pad - k) / stride + 1, r.geometry().outH());
        assertEquals((w + 2 * pad - k) / stride + 1, r.geometry().outW());
        assertTrue(r.explicit() <= 1, "explicit " + r.explicit());
        assertTrue(r.implicit() <= 1, "implicit " + r.implicit());
        assertTrue(r.engine() <= 1, "engine " + r.engine());
    }
}
