package ssgan.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands each allocation of a batch ({@link CudaDevice#batch}) the address that the same allocation (the
 * same length, the same place in the order) had in the batch before, when that address is free. A
 * training step allocates the same lengths in the same order every iteration, so its arrays stay where
 * they were, and so do its graph's arguments: {@link LaunchBatches} then sets only those that really
 * change (Adam's step, the noise's seeds). Taking from the free list's top instead would hand the
 * arrays out in another order each iteration (a stack reverses the order they came back in).
 */
final class Placements {
    /** Per length, the addresses the last batch was given, in order. */
    private Map<Integer, List<Long>> last = new HashMap<>();
    /** The same for the batch running, or null between batches. */
    private Map<Integer, List<Long>> now;

    void begin() {
        now = new HashMap<>();
    }

    void end() {
        last = now;
        now = null;
    }

    boolean inBatch() {
        return now != null;
    }

    /** The address for the next allocation of {@code length} in this batch, from {@code free} (not empty). */
    long take(int length, ArrayDeque<Long> free) {
        List<Long> before = last.get(length);
        List<Long> sofar = now.get(length);
        int k = sofar == null ? 0 : sofar.size();
        if (before != null && k < before.size() && free.removeFirstOccurrence(before.get(k))) return before.get(k);
        return free.pop();
    }

    /** Notes where this batch's next allocation of {@code length} went. */
    void given(int length, long address) {
        now.computeIfAbsent(length, n -> new ArrayList<>()).add(address);
    }
}
