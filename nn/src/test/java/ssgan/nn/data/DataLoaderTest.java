package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** The example indices in a batch, read back from the first pixel of each image. */
    private static int[] ids(DataLoader.Batch b) {
        float[] px = b.images().data();
        int per = px.length / b.size();
        int[] ids = new int[b.size()];
        for (int k = 0; k < ids.length; k++) ids[k] = (int) px[k * per];
        return ids;
    }

    private static List<int[]> take(DataLoader loader, int batches) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < batches; i++) out.add(ids(loader.next()));
        return out;
    }

    @Test
    void anEpochServesEachExampleOnceInFullBatches() {
        Dataset data = TestData.indexed(103);
        DataLoader loader = DataLoader.epochs(data, 10, DataLoader.Layout.NCHW, 5);
        assertEquals(10, loader.batchesPerEpoch());
        int[] previousEpoch = null;
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] seen = new int[0];
            for (int b = 0; b < 10; b++) {
                DataLoader.Batch batch = loader.next();
                assertEquals(epoch, loader.epoch());
                assertArrayEquals(new int[] {10, 1, 2, 2}, batch.images().shape());
                int[] ids = ids(batch);
                for (int k = 0; k < 10; k++) {
                    assertEquals(data.label(ids[k]), batch.labels()[k], "labels travel with their images");
                    assertEquals(-ids[k], batch.images().data()[4 * k + 1], "the whole image is copied");
                }
                seen = IntStream.concat(IntStream.of(seen), IntStream.of(ids)).toArray();
            }
            assertEquals(100, IntStream.of(seen).distinct().count(), "no repeats within an epoch; 3 dropped");
            assertFalse(Arrays.equals(previousEpoch, seen), "each epoch is shuffled anew");
            previousEpoch = seen;
        }
    }

    /** A loader that serves indices (for a dataset kept on a GPU) walks the very order of one that serves images, across epochs and passes. */
    @Test
    void nextIndicesNamesTheExamplesNextWouldServe() {
        Dataset data = TestData.indexed(23);
        int[] pool = IntStream.range(0, 23).filter(i -> i % 4 != 0).toArray();
        DataLoader[][] pairs = {
            {DataLoader.epochs(data, pool, 5, DataLoader.Layout.NCHW, 7), DataLoader.epochs(data, pool, 5, DataLoader.Layout.NCHW, 7)},
            {DataLoader.cycling(data, 5, DataLoader.Layout.NCHW, 7), DataLoader.cycling(data, 5, DataLoader.Layout.NCHW, 7)}};
        for (DataLoader[] pair : pairs) {
            for (int b = 0; b < 12; b++) {
                assertArrayEquals(ids(pair[0].next()), pair[1].nextIndices(), "batch " + b);
                assertEquals(pair[0].position(), pair[1].position(), "batch " + b);
            }
        }
    }

    @Test
    void batchesReuseTheirBuffersAndFlatLayoutIsTwoDimensional() {
        DataLoader loader = DataLoader.epochs(TestData.indexed(40), 8, DataLoader.Layout.FLAT, 1);
        DataLoader.Batch first = loader.next();
        assertArrayEquals(new int[] {8, 4}, first.images().shape());
        DataLoader.Batch second = loader.next();
        assertSame(first, second);
        assertSame(first.images().data(), second.images().data());
    }

    @Test
    void theOrderDependsOnlyOnTheSeed() {
        Dataset data = TestData.indexed(50);
        List<int[]> a = take(DataLoader.epochs(data, 7, DataLoader.Layout.FLAT, 99), 20);
        List<int[]> b = take(DataLoader.epochs(data, 7, DataLoader.Layout.FLAT, 99), 20);
        List<int[]> c = take(DataLoader.epochs(data, 7, DataLoader.Layout.FLAT, 100), 20);
        for (int i = 0; i < 20; i++) assertArrayEquals(a.get(i), b.get(i));
        assertFalse(Arrays.equals(a.get(0), c.get(0)));
    }

    @Test
    void aSubsetOfIndicesCanBeLoaded() {
        Dataset data = TestData.indexed(100);
        int[] rest = IntStream.range(0, 100).filter(i -> i % 3 != 0).toArray();
        DataLoader loader = DataLoader.epochs(data, rest, 11, DataLoader.Layout.FLAT, 3);
        for (int[] ids : take(loader, 30)) {
            for (int id : ids) assertTrue(id % 3 != 0, "only the given examples");
        }
    }

    @Test
    void cyclingRunsAcrossPassesReshufflingEachOne() {
        Dataset small = TestData.indexed(25);
        DataLoader loader = DataLoader.cycling(small, 10, DataLoader.Layout.NCHW, 4);
        int[] stream = take(loader, 10).stream().flatMapToInt(IntStream::of).toArray(); // 100 examples = 4 passes
        int[][] passes = new int[4][];
        for (int p = 0; p < 4; p++) {
            passes[p] = Arrays.copyOfRange(stream, 25 * p, 25 * p + 25);
            assertArrayEquals(IntStream.range(0, 25).toArray(), IntStream.of(passes[p]).sorted().toArray(), "pass " + p + " holds every example once");
        }
        assertFalse(Arrays.equals(passes[0], passes[1]));
        assertEquals(3, loader.epoch());
        // A batch larger than the whole set still works: it simply wraps.
        DataLoader big = DataLoader.cycling(TestData.indexed(3), 8, DataLoader.Layout.FLAT, 1);
        assertEquals(8, ids(big.next()).length);
    }

    @Test
    void aBatchLargerThanAnEpochIsRefusedForEpochLoaders() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.epochs(TestData.indexed(20), 32, DataLoader.Layout.FLAT, 1));
        assertTrue(e.getMessage().contains("cycling"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.epochs(TestData.indexed(20), 0, DataLoader.Layout.FLAT, 1));
    }

    @Test
    void resumingFromASavedPositionGivesTheSameBatches() {
        Dataset data = TestData.indexed(53);
        for (boolean cycling : new boolean[] {false, true}) {
            for (int stopAt : new int[] {0, 3, 5, 6, 13}) { // 5 batches of 10 per epoch: mid-epoch, boundaries
                DataLoader original = cycling ? DataLoader.cycling(data, 10, DataLoader.Layout.FLAT, 8) : DataLoader.epochs(data, 10, DataLoader.Layout.FLAT, 8);
                take(original, stopAt);
                Map<String, String> saved = original.position().toMap("loader.");
                List<int[]> expected = take(original, 12);

                DataLoader resumed = cycling ? DataLoader.cycling(data, 10, DataLoader.Layout.FLAT, 8) : DataLoader.epochs(data, 10, DataLoader.Layout.FLAT, 8);
                take(resumed, 2); // its own state must not matter
                resumed.restore(DataLoader.Position.fromMap(saved, "loader."));
                List<int[]> actual = take(resumed, 12);
                for (int i = 0; i < 12; i++) assertArrayEquals(expected.get(i), actual.get(i), "cycling=" + cycling + " stop=" + stopAt + " batch " + i);
                assertEquals(original.epoch(), resumed.epoch());
            }
        }
    }

    @Test
    void badPositionsAreRefused() {
        DataLoader loader = DataLoader.epochs(TestData.indexed(20), 5, DataLoader.Layout.FLAT, 1);
        assertThrows(IllegalArgumentException.class, () -> loader.restore(new DataLoader.Position(0, 21, 0)));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.Position.fromMap(Map.of("loader.epoch", "1"), "loader."));
    }
}
