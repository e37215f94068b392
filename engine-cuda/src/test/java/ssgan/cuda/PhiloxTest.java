package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhiloxTest {
    @Test
    void matchesTheKnownAnswersOfRandom123() {
        // kat_vectors of the Random123 library (Salmon et al. 2011): counter, key, result.
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                Philox.philox4x32_10(new int[] {0, 0, 0, 0}, new int[] {0, 0}));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                Philox.philox4x32_10(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.philox4x32_10(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, new int[] {0xa4093822, 0x299f31d0}));
    }

    @Test
    void samplesAreStandardNormal() {
        int n = 200_000;
        double sum = 0, sumOfSquares = 0;
        for (int j = 0; j < n; j++) {
            double z = Philox.sample(42, 1000, j);
            sum += z;
            sumOfSquares += z * z;
        }
        double mean = sum / n;
        assertEquals(0, mean, 0.01);
        assertEquals(1, Math.sqrt(sumOfSquares / n - mean * mean), 0.01);
    }
}
