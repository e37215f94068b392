package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;

class SemiSupervisedSplitTest {
    /** 997 examples with random labels: uneven class sizes, as in MNIST. */
    private static Dataset uneven() {
        Rng rng = new Rng(11);
        int n = 997;
        float[] img = new float[n * 4];
        int[] lab = new int[n];
        for (int i = 0; i < n; i++) {
            img[4 * i] = i;
            lab[i] = rng.nextInt(10);
        }
        return new Dataset("uneven", img, lab, 2, 2, 10);
    }

    @Test
    void picksTheSameNumberOfEachClass() {
        Dataset train = uneven();
        SemiSupervisedSplit s = SemiSupervisedSplit.balanced(train, 100, 42);
        Dataset labelled = s.labelled();
        assertEquals(100, labelled.size());
        int[] counts = labelled.classCounts();
        for (int c = 0; c < 10; c++) assertEquals(10, counts[c], "class " + c);
        int[] idx = s.labelledIndices();
        assertEquals(100, IntStream.of(idx).distinct().count(), "no example twice");
        for (int k = 0; k < idx.length; k++) {
            assertEquals(train.label(idx[k]), labelled.label(k));
            assertEquals(idx[k], (int) labelled.images()[4 * k], "the labelled copy holds the chosen images");
        }
    }

    @Test
    void sameSeedSameSubsetOtherSeedAnother() {
        Dataset train = uneven();
        int[] a = SemiSupervisedSplit.balanced(train, 50, 7).labelledIndices();
        int[] b = SemiSupervisedSplit.balanced(train, 50, 7).labelledIndices();
        int[] c = SemiSupervisedSplit.balanced(train, 50, 8).labelledIndices();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void unlabelledIsEverythingAndRestIsTheComplement() {
        Dataset train = uneven();
        SemiSupervisedSplit s = SemiSupervisedSplit.balanced(train, 20, 1);
        assertSame(train, s.unlabelled());
        int[] rest = s.restIndices();
        assertEquals(train.size() - 20, rest.length);
        int[] all = IntStream.concat(IntStream.of(rest), IntStream.of(s.labelledIndices())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, train.size()).toArray(), all);
    }

    @Test
    void countsThatCannotBeBalancedAreClearErrors() {
        Dataset train = uneven();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSplit.balanced(train, 105, 1));
        assertTrue(e.getMessage().contains("positive multiple of 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSplit.balanced(train, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSplit.balanced(train, -10, 1));
        int smallest = Arrays.stream(train.classCounts()).min().getAsInt();
        SemiSupervisedSplit.balanced(train, 10 * smallest, 1); // the most it can hold
        e = assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSplit.balanced(train, 10 * (smallest + 1), 1));
        assertTrue(e.getMessage().contains("use at most " + 10 * smallest), e.getMessage());
    }
}
