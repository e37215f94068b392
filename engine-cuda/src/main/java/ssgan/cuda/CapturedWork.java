package ssgan.cuda;

import java.util.List;

/**
 * Work recorded once as a CUDA graph ({@link CudaDevice#capture}) and replayed by {@link #run()} as one
 * launch: a training step is hundreds of small kernels, and launching each from the host costs more than
 * many of them take to run. A replay runs the very kernels that were recorded, with the arguments and on
 * the arrays they had then: inputs are copied into those arrays before a replay, results read from them
 * after, and no array the work used may be released while the graph lives. The arrays the work released
 * while it was recorded are the graph's own scratch: they stay out of the device's free lists, so that
 * nothing else is given memory that a replay writes, until {@link #close()}.
 */
public final class CapturedWork implements AutoCloseable {
    /** An array's memory held for the graph: its length and address. */
    record Scratch(int length, long address) {}

    private final CudaDevice device;
    private final CudaApi.Graph graph;
    private final List<Scratch> scratch;
    private boolean closed;

    CapturedWork(CudaDevice device, CudaApi.Graph graph, List<Scratch> scratch) {
        this.device = device;
        this.graph = graph;
        this.scratch = List.copyOf(scratch);
    }

    /** Queues one replay of the recorded work; it runs in order with everything else on the device. */
    public void run() {
        if (closed) throw new IllegalStateException("this captured work was closed: capture it again");
        device.api().launch(graph);
    }

    /** How many arrays the graph holds as its scratch (released while it was recorded). */
    public int scratchArrays() {
        return scratch.size();
    }

    /** Frees the graph and gives its scratch arrays back to the device's free lists. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        device.api().destroy(graph);
        for (Scratch s : scratch) device.recycle(s.length(), s.address());
    }
}
