package ssgan.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
}
