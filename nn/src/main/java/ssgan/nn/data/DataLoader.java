package ssgan.nn.data;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Serves fixed-size batches of a dataset in a fresh random order every pass, endlessly.
 *
 * <ul>
 *   <li>{@link #epochs}: the usual loader. Each epoch is a new shuffle; the last partial batch is
 *       dropped, so every batch has exactly {@code batchSize} examples and an epoch has
 *       {@link #batchesPerEpoch()} of them.</li>
 *   <li>{@link #cycling}: for a small labelled set (100 examples feeding batches of 64, say). Batches
 *       run across the end of a pass into the next one, reshuffled, so no example is ever dropped.</li>
 * </ul>
 *
 * <p>The batch buffers are reused: the {@link Batch} returned by {@link #next()} is overwritten by the
 * following call (copy it to keep it). The order comes only from the seed, and {@link #position()} /
 * {@link #restore} capture it exactly: a resumed run sees the same batches as an uninterrupted one.
 */
public final class DataLoader implements Iterator<DataLoader.Batch> {
    /** How images are shaped in a batch. */
    public enum Layout {
        /** {@code [B, 1, H, W]}, for convolutions. */
        NCHW,
        /** {@code [B, H*W]}, for fully connected layers. */
        FLAT
    }

    /**
     * One batch: images in the requested layout and their labels. Both are the loader's reused
     * buffers, valid until the next call to {@link DataLoader#next()}.
     */
    public record Batch(Tensor images, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    /**
     * Where a loader stands: the pass (epoch) number, how many examples of the pass were served, and
     * the RNG state from which the pass's order was shuffled.
     */
    public record Position(long epoch, int index, long rngState) {
        /** As strings under {@code prefix}, to store in a training state's metadata. */
        public Map<String, String> toMap(String prefix) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(prefix + "epoch", Long.toString(epoch));
            m.put(prefix + "index", Long.toString(index));
            m.put(prefix + "rng", Long.toString(rngState));
            return m;
        }

        public static Position fromMap(Map<String, String> m, String prefix) {
            try {
                return new Position(Long.parseLong(require(m, prefix + "epoch")), Integer.parseInt(require(m, prefix + "index")),
                        Long.parseLong(require(m, prefix + "rng")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("data loader position under '" + prefix + "' is not numeric: " + e.getMessage(), e);
            }
        }

        private static String require(Map<String, String> m, String key) {
            String v = m.get(key);
            if (v == null) throw new IllegalArgumentException("data loader position: missing key '" + key + "'");
            return v;
        }
    }

    private final Dataset data;
    private final int[] pool;
    private final int batchSize;
    private final boolean cycle;
    private final Rng rng;

    private final int[] order;
    private long epoch;
    private int cursor;
    private long epochRngState;

    private final float[] imageBuffer;
    private final int[] labelBuffer;
    private final int[] indexBuffer;
    private final Batch batch;

    private DataLoader(Dataset data, int[] pool, int batchSize, Layout layout, long seed, boolean cycle) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (pool.length == 0) throw new IllegalArgumentException(data.name() + ": cannot load batches from an empty set of examples");
        if (!cycle && batchSize > pool.length) {
            throw new IllegalArgumentException(data.name() + ": batch size " + batchSize + " exceeds the " + pool.length
                    + " examples, so every epoch would be empty; use a smaller batch or DataLoader.cycling");
        }
        for (int i : pool) {
            if (i < 0 || i >= data.size()) throw new IllegalArgumentException(data.name() + ": example index " + i + " is outside [0, " + data.size() + ")");
        }
        this.data = data;
        this.pool = pool.clone();
        this.batchSize = batchSize;
        this.cycle = cycle;
        this.rng = new Rng(seed);
        this.order = new int[pool.length];
        this.imageBuffer = new float[batchSize * data.imageSize()];
        this.labelBuffer = new int[batchSize];
        this.indexBuffer = new int[batchSize];
        Tensor images = layout == Layout.NCHW
                ? Tensor.wrap(imageBuffer, batchSize, 1, data.height(), data.width())
                : Tensor.wrap(imageBuffer, batchSize, data.imageSize());
        this.batch = new Batch(images, labelBuffer);
        startEpoch(0);
    }

    /** Shuffled epochs over the whole dataset, dropping the last partial batch. */
    public static DataLoader epochs(Dataset data, int batchSize, Layout layout, long seed) {
        return new DataLoader(data, identity(data.size()), batchSize, layout, seed, false);
    }

    /** Shuffled epochs over the examples at {@code indices} only. */
    public static DataLoader epochs(Dataset data, int[] indices, int batchSize, Layout layout, long seed) {
        return new DataLoader(data, indices, batchSize, layout, seed, false);
    }

    /** Endless batches over a (small) dataset: reshuffled at every pass, batches run across passes. */
    public static DataLoader cycling(Dataset data, int batchSize, Layout layout, long seed) {
        return new DataLoader(data, identity(data.size()), batchSize, layout, seed, true);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /**
     * A pass's order is a shuffle of the pool in its original order, made from the RNG state saved
     * here: that state alone reproduces the order, which is what makes exact resume possible.
     */
    private void startEpoch(long epochNumber) {
        epoch = epochNumber;
        cursor = 0;
        epochRngState = rng.state();
        System.arraycopy(pool, 0, order, 0, pool.length);
        rng.shuffle(order);
    }

    /** Always true: the loader starts a new pass whenever one ends. */
    @Override
    public boolean hasNext() {
        return true;
    }

    /** The next batch (the same reused buffers every time). */
    @Override
    public Batch next() {
        int[] picked = nextIndices();
        int px = data.imageSize();
        float[] images = data.images();
        for (int b = 0; b < batchSize; b++) {
            System.arraycopy(images, picked[b] * px, imageBuffer, b * px, px);
            labelBuffer[b] = data.label(picked[b]);
        }
        return batch;
    }

    /**
     * The dataset indices of the next batch, without copying its images: for a caller that keeps the
     * dataset elsewhere (on a GPU) and gathers the batch there. It advances the loader exactly as
     * {@link #next()} does. The array is reused by the following call.
     */
    public int[] nextIndices() {
        if (!cycle && cursor + batchSize > order.length) startEpoch(epoch + 1); // drop the partial tail
        for (int b = 0; b < batchSize; b++) {
            if (cursor == order.length) startEpoch(epoch + 1); // only reached when cycling
            indexBuffer[b] = order[cursor++];
        }
        return indexBuffer;
    }

    /** Full batches per epoch (for the cycling loader: per pass, rounded down). */
    public int batchesPerEpoch() {
        return order.length / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The current pass, counted from 0. */
    public long epoch() {
        return epoch;
    }

    public Position position() {
        return new Position(epoch, cursor, epochRngState);
    }

    /** Continues exactly where {@code p} was taken (on a loader made with the same data and settings). */
    public void restore(Position p) {
        if (p.index() < 0 || p.index() > order.length || p.epoch() < 0) {
            throw new IllegalArgumentException("data loader position " + p + " does not fit a pass of " + order.length + " examples");
        }
        rng.setState(p.rngState());
        startEpoch(p.epoch());
        cursor = p.index();
    }
}
