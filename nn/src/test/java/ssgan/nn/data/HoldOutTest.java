package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HoldOutTest {
    @Test
    void validationAndTrainingPartitionTheSet() {
        Dataset data = TestData.indexed(997);
        HoldOut h = HoldOut.split(data, 300);
        assertEquals(300, h.validation().size());
        assertEquals(697, h.trainSize());
        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < h.validation().size(); k++) {
            int original = (int) h.validation().images()[4 * k];
            assertEquals(data.label(original), h.validation().label(k), "the copy keeps each image's label");
            assertTrue(seen.add(original));
        }
        for (int i : h.trainIndices()) assertTrue(seen.add(i), "example " + i + " is both held out and trained on");
        assertEquals(997, seen.size(), "every example is in exactly one part");
        int[] sorted = h.trainIndices().clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, h.trainIndices());
    }

    @Test
    void theSameForEveryRunAndNotJustTheFirstImages() {
        Dataset data = TestData.indexed(997);
        assertArrayEquals(HoldOut.split(data, 100).trainIndices(), HoldOut.split(data, 100).trainIndices());
        float[] first = HoldOut.split(data, 100).validation().images();
        boolean beyondTheStart = IntStream.range(0, 100).anyMatch(k -> first[4 * k] >= 500);
        assertTrue(beyondTheStart, "a random sample, not the first 100 examples");
    }

    @Test
    void zeroKeepsEverythingForTraining() {
        HoldOut h = HoldOut.split(TestData.indexed(997), 0);
        assertEquals(0, h.validation().size());
        assertArrayEquals(IntStream.range(0, 997).toArray(), h.trainIndices());
    }

    @Test
    void refusesSizesOutsideTheSet() {
        assertThrows(IllegalArgumentException.class, () -> HoldOut.split(TestData.indexed(997), -1));
        assertThrows(IllegalArgumentException.class, () -> HoldOut.split(TestData.indexed(997), 997));
    }

    @Test
    void labelledExamplesComeOnlyFromThePool() {
        Dataset data = TestData.indexed(997);
        HoldOut h = HoldOut.split(data, 500);
        Set<Integer> pool = new HashSet<>();
        for (int i : h.trainIndices()) pool.add(i);
        for (long seed = 1; seed <= 20; seed++) {
            SemiSupervisedSplit s = SemiSupervisedSplit.balanced(data, h.trainIndices(), 100, seed);
            int[] counts = s.labelled().classCounts();
            for (int c = 0; c < 10; c++) assertEquals(10, counts[c], "class " + c);
            for (int i : s.labelledIndices()) assertTrue(pool.contains(i), "labelled example " + i + " is held out for validation");
        }
    }

    @Test
    void theWholePoolChoosesAsBefore() {
        Dataset data = TestData.indexed(997);
        int[] all = IntStream.range(0, data.size()).toArray();
        assertArrayEquals(SemiSupervisedSplit.balanced(data, 50, 9).labelledIndices(),
                SemiSupervisedSplit.balanced(data, all, 50, 9).labelledIndices());
    }
}
