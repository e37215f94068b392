package ssgan.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ParallelTest {
    private final int before = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    @Test
    void coversTheRangeExactlyOnceInContiguousChunks() {
        Parallel.setThreads(3);
        for (int n : new int[] {0, 1, 2, 3, 17, 1000}) {
            int[] hits = new int[n];
            Parallel.forRange(n, 1, (chunk, start, end) -> {
                for (int i = start; i < end; i++) hits[i]++;
            });
            for (int h : hits) assertEquals(1, h, "n=" + n);
        }
    }

    @Test
    void splitDependsOnlyOnSizeGrainAndThreads() {
        Parallel.setThreads(2);
        assertEquals(2, Parallel.chunks(100, 10));
        assertEquals(1, Parallel.chunks(100, 100));
        assertEquals(1, Parallel.chunks(5, 10));
        assertEquals(0, Parallel.chunks(0, 10));
        Parallel.setThreads(1);
        assertEquals(1, Parallel.chunks(1000, 1));
    }

    @Test
    void nestedLoopsRunSequentiallyInEveryChunkIncludingTheCallers() {
        Parallel.setThreads(2);
        int[] innerChunks = new int[2];
        Parallel.forRange(2, 1, (chunk, s, e) -> innerChunks[chunk] = Parallel.chunks(1000, 1));
        assertArrayEquals(new int[] {1, 1}, innerChunks);
        assertEquals(2, Parallel.chunks(1000, 1), "outside any loop the split is parallel again");
    }

    @Test
    void exceptionsReachTheCaller() {
        Parallel.setThreads(2);
        AtomicInteger ran = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, 1, (chunk, s, e) -> {
            ran.incrementAndGet();
            if (chunk == 1) throw new IllegalStateException("boom");
        }));
        assertEquals(2, ran.get());
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }

    @Test
    void manyLoopsInARowEachRunEveryChunkOnce() {
        // Back-to-back loops are where a worker could miss a loop or run one twice.
        Parallel.setThreads(3);
        int[] hits = new int[3];
        for (int loop = 0; loop < 5_000; loop++) {
            Parallel.forRange(3, 1, (chunk, s, e) -> hits[chunk]++);
        }
        assertArrayEquals(new int[] {5_000, 5_000, 5_000}, hits);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a lost wake-up would hang: fail instead
    void workersThatHaveParkedWakeForTheNextLoop() throws InterruptedException {
        Parallel.setThreads(2);
        AtomicInteger ran = new AtomicInteger();
        for (int loop = 0; loop < 5; loop++) {
            Thread.sleep(5);                  // longer than a worker polls: it parks in between
            Parallel.forRange(2, 1, (chunk, s, e) -> ran.incrementAndGet());
        }
        assertEquals(10, ran.get());
    }

    @Test
    void loopsFromSeveralThreadsAtOnceGiveTheSameSums() throws Exception {
        Parallel.setThreads(2);
        float[] data = new float[10_001];
        for (int i = 0; i < data.length; i++) data[i] = (float) Math.sin(i);
        float expected = chunkedSum(data);
        Thread[] callers = new Thread[3];
        float[][] sums = new float[callers.length][200];
        for (int t = 0; t < callers.length; t++) {
            int caller = t;
            callers[t] = new Thread(() -> {
                for (int r = 0; r < sums[caller].length; r++) sums[caller][r] = chunkedSum(data);
            });
            callers[t].start();
        }
        for (Thread t : callers) t.join();
        for (float[] row : sums) for (float sum : row) assertEquals(expected, sum, 0f, "a loop run by a caller that found the team busy must sum in the same chunks");
    }

    /** A per-chunk float sum, added up in chunk order: its rounding depends on the split. */
    private static float chunkedSum(float[] data) {
        float[] partial = new float[Parallel.chunks(data.length, 1000)];
        Parallel.forRange(data.length, 1000, (chunk, s, e) -> {
            float sum = 0;
            for (int i = s; i < e; i++) sum += data[i];
            partial[chunk] = sum;
        });
        float total = 0;
        for (float p : partial) total += p;
        return total;
    }
}
