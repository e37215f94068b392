package ssgan.cuda;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link CudaApi} a {@link CudaDevice} calls, over the driver's: between {@link #begin} and
 * {@link #submit} it holds launches and queued uploads back, and then submits them as one CUDA graph. A
 * training step is hundreds of small kernels; launched one by one, the host's launch calls can take
 * longer than the GPU takes to run them, and a graph runs them back to back after one launch.
 *
 * <p>Instantiating a graph costs far more than launching it, so graphs are kept and reused: the next
 * batch with the same shape (the same kernels on the same grids, the same uploads, in the same order; a
 * training step has the same shape every iteration) replays a kept graph, with the arguments that
 * differ (the learning rate's bias corrections, the noise's seeds, an address the memory pool handed
 * out in another order) set on its nodes first. Of the kept graphs of that shape, the one with the
 * fewest differences is taken.
 *
 * <p>What runs is exactly what launching the calls one by one would run, in the same order on the same
 * stream: nothing else needs to know. Any other call that the held-back work must come before (a copy,
 * a synchronisation, an event, a graph launch, freeing memory) submits the batch so far first.
 */
final class LaunchBatches implements CudaApi {
    /** Set to false, batches are launched call by call: for timing the difference (device-check.sh). */
    static final String ENABLED = "ssgan.cuda.stepGraphs";
    /** Fewer calls than this are launched one by one: a graph would not save its own cost. */
    static final int MIN_GRAPH_CALLS = 8;
    /** How many graphs are kept; the one used longest ago goes first. */
    static final int KEPT = 4;

    private final CudaApi driver;
    private boolean enabled = !"false".equals(System.getProperty(ENABLED));
    private List<Call> held;   // while a batch is open, else null
    private boolean capturing; // a stream capture records the launches themselves
    private final List<Kept> kept = new ArrayList<>();
    private long graphsMade;
    private long graphsLaunched;
    private long callsInGraphs;
    private long nodesUpdated;

    /** A graph and the calls it was made for (or last updated to). */
    private record Kept(Graph graph, Call[] calls) {}

    LaunchBatches(CudaApi driver) {
        this.driver = driver;
    }

    /** The driver's api underneath. */
    CudaApi driver() {
        return driver;
    }

    /** Starts holding calls back; false when a batch is already open (batches do not nest) or batching is off. */
    boolean begin() {
        if (held != null || !enabled) return false;
        held = new ArrayList<>();
        return true;
    }

    /** Submits the held calls and stops holding them back. */
    void submit() {
        flush();
        held = null;
    }

    /** How many graphs were made (instantiated), launched, how many of their nodes were given new arguments, and how many calls they ran. */
    long graphsMade() {
        return graphsMade;
    }

    long graphsLaunched() {
        return graphsLaunched;
    }

    long nodesUpdated() {
        return nodesUpdated;
    }

    long callsInGraphs() {
        return callsInGraphs;
    }

    /** Submits what is held: as a graph when there is enough of it, else call by call. Stays open. */
    private void flush() {
        if (held == null || held.isEmpty()) return;
        List<Call> calls = held;
        held = new ArrayList<>();
        if (calls.size() < MIN_GRAPH_CALLS || !enabled) {
            for (Call c : calls) issue(c);
            return;
        }
        try {
            launchAsGraph(calls);
        } catch (CudaError e) {
            // Nothing of this batch ran (a graph launch is the last call): it runs call by call, and so do
            // all from now on, said once on stderr so that a GPU run goes on and shows it.
            System.err.println("engine-cuda: a graph of " + calls.size() + " calls failed (" + e.getMessage()
                    + "); launching call by call from now on");
            enabled = false;
            for (Kept k : kept) destroyQuietly(k.graph());
            kept.clear();
            for (Call c : calls) issue(c);
        }
    }

    private void destroyQuietly(Graph graph) {
        try {
            driver.destroy(graph);
        } catch (CudaError ignored) {
            // already failing: the graph is dropped either way
        }
    }

    /** Replays the kept graph closest to {@code calls}, updated to them, or makes one. */
    private void launchAsGraph(List<Call> calls) {
        Kept graph = closest(calls);
        if (graph == null) {
            if (kept.size() == KEPT) driver.destroy(kept.remove(kept.size() - 1).graph());
            graph = new Kept(driver.graph(calls), calls.toArray(new Call[0]));
            graphsMade++;
        } else {
            for (int i = 0; i < graph.calls().length; i++) {
                Call c = calls.get(i);
                if (!sameArguments(graph.calls()[i], c)) {
                    driver.update(graph.graph(), i, c);
                    graph.calls()[i] = c;
                    nodesUpdated++;
                }
            }
        }
        kept.remove(graph);
        kept.add(0, graph);   // the most recently used first
        driver.launch(graph.graph());
        graphsLaunched++;
        callsInGraphs += calls.size();
    }

    /** Of the kept graphs with the shape of {@code calls}, the one whose arguments differ least; null if none. */
    private Kept closest(List<Call> calls) {
        Kept best = null;
        int fewest = Integer.MAX_VALUE;
        for (Kept k : kept) {
            if (k.calls().length != calls.size()) continue;
            int differences = 0;
            for (int i = 0; i < k.calls().length && differences < fewest; i++) {
                Call was = k.calls()[i], now = calls.get(i);
                if (!sameShape(was, now)) {
                    differences = Integer.MAX_VALUE;
                    break;
                }
                if (!sameArguments(was, now)) differences++;
            }
            if (differences < fewest) {
                best = k;
                fewest = differences;
            }
        }
        return best;
    }

    /** Whether a graph node made for {@code a} can be given the arguments of {@code b}. */
    static boolean sameShape(Call a, Call b) {
        if (a instanceof Launch x && b instanceof Launch y) {
            if (x.function() != y.function() || x.gridX() != y.gridX() || x.gridY() != y.gridY()
                    || x.blockX() != y.blockX() || x.blockY() != y.blockY() || x.args().length != y.args().length) return false;
            for (int i = 0; i < x.args().length; i++) {
                if (x.args()[i].getClass() != y.args()[i].getClass()) return false;
            }
            return true;
        }
        return a instanceof Upload x && b instanceof Upload y && x.pinned() == y.pinned() && x.bytes() == y.bytes();
    }

    /** Whether two calls of the same shape have the same arguments (floats compared bit for bit). */
    static boolean sameArguments(Call a, Call b) {
        if (a instanceof Launch x && b instanceof Launch y) return Arrays.deepEquals(x.args(), y.args());
        Upload x = (Upload) a, y = (Upload) b;
        return x.dst() == y.dst() && x.offset() == y.offset();
    }

    private void issue(Call call) {
        if (call instanceof Launch l) {
            driver.launch(l.function(), l.gridX(), l.gridY(), l.blockX(), l.blockY(), l.args());
        } else {
            Upload u = (Upload) call;
            driver.copyToDeviceAsync(u.dst(), u.pinned(), u.offset(), u.bytes());
        }
    }

    // ---------------------------------------------------------------- held back while a batch is open

    @Override
    public void launch(Function function, int gridX, int gridY, int blockX, int blockY, Object... args) {
        if (held == null || capturing) {
            driver.launch(function, gridX, gridY, blockX, blockY, args);
            return;
        }
        Object[] values = args.clone();   // the driver copies argument values at the call; so does the batch
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof int[] a) values[i] = a.clone();
            if (values[i] instanceof float[] a) values[i] = a.clone();
        }
        held.add(new Launch(function, gridX, gridY, blockX, blockY, values));
    }

    @Override
    public void copyToDeviceAsync(long dst, ByteBuffer pinned, int offset, int bytes) {
        if (held == null || capturing) {
            driver.copyToDeviceAsync(dst, pinned, offset, bytes);
        } else {
            held.add(new Upload(dst, pinned, offset, bytes));
        }
    }

    // ---------------------------------------------------------------- calls that come after the held ones

    @Override
    public void free(long address) {
        flush();
        driver.free(address);
    }

    @Override
    public void copyToDevice(long dst, float[] src, int count) {
        flush();
        driver.copyToDevice(dst, src, count);
    }

    @Override
    public void copyToDevice(long dst, long[] src) {
        flush();
        driver.copyToDevice(dst, src);
    }

    @Override
    public void copyToDevice(long dst, int[] src) {
        flush();
        driver.copyToDevice(dst, src);
    }

    @Override
    public void copyToHost(float[] dst, long src, int count) {
        flush();
        driver.copyToHost(dst, src, count);
    }

    @Override
    public void synchronize() {
        flush();
        driver.synchronize();
    }

    @Override
    public void record(Event event) {
        flush();
        driver.record(event);
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        flush();
        return driver.elapsedMillis(start, end);
    }

    @Override
    public void beginCapture() {
        flush();
        driver.beginCapture();
        capturing = true;
    }

    @Override
    public void launch(Graph graph) {
        flush();
        driver.launch(graph);
    }

    // ---------------------------------------------------------------- calls unaffected by the order

    @Override
    public String deviceName() {
        return driver.deviceName();
    }

    @Override
    public String driverVersion() {
        return driver.driverVersion();
    }

    @Override
    public long allocate(long bytes) {
        return driver.allocate(bytes);
    }

    @Override
    public ByteBuffer allocatePinned(int bytes) {
        return driver.allocatePinned(bytes);
    }

    @Override
    public Module loadModule(byte[] ptx) {
        return driver.loadModule(ptx);
    }

    @Override
    public Function function(Module module, String name) {
        return driver.function(module, name);
    }

    @Override
    public Event createEvent() {
        return driver.createEvent();
    }

    @Override
    public void destroy(Event event) {
        driver.destroy(event);
    }

    @Override
    public Graph endCapture() {
        capturing = false;
        return driver.endCapture();
    }

    @Override
    public void destroy(Graph graph) {
        driver.destroy(graph);
    }

    @Override
    public Graph graph(List<Call> calls) {
        return driver.graph(calls);
    }

    @Override
    public void update(Graph graph, int index, Call call) {
        driver.update(graph, index, call);
    }
}
