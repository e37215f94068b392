package ssgan.app.train;

import java.util.Arrays;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.io.TrainingState;

/**
 * Notices the way this game fails. The discriminator learns to tell every generated image apart, its
 * features of generated images run away from those of real ones, and within a few hundred iterations
 * the generator's feature-matching loss climbs from about 6 to near 100 and stays there while accuracy
 * stalls. Which runs fail is chaotic: the same seed on one thread, whose sums differ only in rounding,
 * did not. So the cure is to go back to an earlier checkpoint and draw new noise.
 *
 * <p>The test: the mean loss over the last {@value #WINDOW} iterations is more than {@code factor} times
 * the baseline, the median of the means of the last {@value #INTERVALS} complete evaluation intervals.
 * Intervals, because the loss drifts over a run (from about 7 to 3 and back to 6 in the first 6,000
 * iterations); their median, so that one interval in which the loss rose does not raise the bar.
 *
 * <p>The numbers come from traces of the {@code mlp} (seed 1, two threads), where the same kind of rise
 * sometimes heals by itself within 300 iterations (100-iteration means 6 → 31 → 7) and sometimes does not.
 * Measured ratios: two collapses, from two points of the run, passed 6 about 240 iterations after the
 * rise began and peaked at 10 and 16; four rises that healed (one in a seed-2 run, three in replays
 * of a checkpoint with new noise) peaked at 3.3–3.8; otherwise the ratio stayed below 1.7. A window of
 * 100 iterations could not tell collapses from healing spikes; 300 can.
 *
 * <p>A game can also break before there is a baseline: the discriminator wins outright in the first
 * interval, so the loss is already high when the first interval's mean is taken. Or it breaks later but
 * slowly, the loss climbing over several intervals, each of which raises the baseline before the window
 * passes {@code factor} times it. The second test does not compare: once the first interval is complete,
 * the median of the discriminator's unsupervised loss over the last {@value #WINDOW} iterations below
 * {@value #WON} means it tells every generated image from every real one. Measured, medians of 300
 * iterations' losses from iteration 300 to 1,200: mlp seed 1 with the defaults 0.088–0.148, with no
 * consistency term 0.107–0.278; dcgan seeds 1 and 2 (to 900) 0.064–0.133; after that, no single
 * iteration's loss below 0.084 at any evaluation of nine healthy mlp runs of 21,000 iterations (the pair and
 * the mean teacher).
 * An mlp run that broke before iteration 600 (seed 1 with turns of 25° and scalings of 0.15) read
 * 0.002–0.04 apart from spikes (snapshots every 50 iterations); this test rolls it back at iteration 663.
 * One that broke later and over two intervals (seed 1 with --reuse-features --fake-batch 50: the generator's
 * loss 4 at iteration 3,000, 36 at 3,600, 45–100 from 4,200 on) never passed 6 times its rising baseline and
 * trained on with the discriminator's loss at 0.001–0.02; this test rolls it back at iteration 3,823 to 3,000,
 * and the new noise gives a healthy game (98.06 % validation at 6,000 iterations against 97.51 %).
 */
class CollapseGuard {
    static final int WINDOW = 300;
    static final int INTERVALS = 3;
    /** Below this median unsupervised loss the discriminator has won (healthy games measured stayed above 0.08). */
    static final float WON = 0.02f;

    private final double factor;
    private final float[] window = new float[WINDOW];
    private final float[] unsupervised = new float[WINDOW];   // +∞ where nothing is known: "not won"
    private final float[] sorted = new float[WINDOW];
    private long seen;              // losses observed in total; the window holds the last min(seen, WINDOW)
    private double intervalSum;
    private long intervalCount;
    private final double[] intervalMeans = new double[INTERVALS];  // the last complete intervals, NaN where none yet

    /** {@code factor} ≤ 0 turns the guard off. */
    CollapseGuard(double factor) {
        this.factor = factor;
        Arrays.fill(intervalMeans, Double.NaN);
        Arrays.fill(unsupervised, Float.POSITIVE_INFINITY);
    }

    void observe(float generatorLoss, float unsupervisedLoss) {
        window[(int) (seen % WINDOW)] = generatorLoss;
        unsupervised[(int) (seen % WINDOW)] = unsupervisedLoss;
        seen++;
        intervalSum += generatorLoss;
        intervalCount++;
    }

    /** Ends an evaluation interval; one of at least {@value #WINDOW} iterations joins the baseline. */
    void endInterval() {
        if (intervalCount >= WINDOW) {
            System.arraycopy(intervalMeans, 0, intervalMeans, 1, INTERVALS - 1);
            intervalMeans[0] = intervalSum / intervalCount;
        }
        intervalSum = 0;
        intervalCount = 0;
    }

    /**
     * Whether the game has broken: the recent generator loss has run away from the baseline, or the
     * discriminator has won. False until there is a baseline and a full window.
     */
    boolean collapsed() {
        return runAway() || discriminatorWon();
    }

    private boolean runAway() {
        double baseline = baseline();
        return factor > 0 && !Double.isNaN(baseline) && seen >= WINDOW && recentMean() > factor * baseline;
    }

    private boolean discriminatorWon() {
        // Not during the first interval: healthy games dip this low before D and G find their balance.
        boolean afterFirstInterval = !Double.isNaN(intervalMeans[0]);
        return factor > 0 && afterFirstInterval && seen >= WINDOW && recentUnsupervisedMedian() < WON;
    }

    /** What {@link #collapsed} saw, for the log. */
    String describe() {
        if (discriminatorWon()) {
            return String.format(java.util.Locale.ROOT, "the discriminator has won: its unsupervised loss has a median of %.5f over the "
                    + "last %d iterations, below %.2f", recentUnsupervisedMedian(), WINDOW, WON);
        }
        return String.format(java.util.Locale.ROOT, "the generator has collapsed: feature-matching loss %.1f over the last %d "
                + "iterations, %.1f× its baseline of %.2f", recentMean(), WINDOW, recentMean() / baseline(), baseline());
    }

    /** The median of the last {@value #WINDOW} unsupervised losses: a few spikes do not hide a won game. */
    double recentUnsupervisedMedian() {
        System.arraycopy(unsupervised, 0, sorted, 0, WINDOW);
        Arrays.sort(sorted);
        return (sorted[WINDOW / 2 - 1] + sorted[WINDOW / 2]) / 2.0;
    }

    double recentMean() {
        double s = 0;
        for (float v : window) s += v;
        return s / WINDOW;
    }

    /** The median of the last complete intervals' means (of the two, their mean); NaN before the first. */
    double baseline() {
        double[] known = Arrays.stream(intervalMeans).filter(m -> !Double.isNaN(m)).sorted().toArray();
        if (known.length == 0) return Double.NaN;
        int mid = known.length / 2;
        return known.length % 2 == 1 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
    }

    void save(TrainingState state) {
        state.putTensor("guard.window", Tensor.wrap(window.clone(), WINDOW));
        state.putTensor("guard.unsupervised", Tensor.wrap(unsupervised.clone(), WINDOW));
        state.putLong("guard.seen", seen);
        state.putDouble("guard.interval_sum", intervalSum);
        state.putLong("guard.interval_count", intervalCount);
        for (int i = 0; i < INTERVALS; i++) state.putDouble("guard.interval_mean." + i, intervalMeans[i]);
    }

    /** Restores what {@link #save} wrote; a state from before the guard existed leaves it fresh. */
    void restore(TrainingState state) {
        if (!state.has("guard.seen")) return;
        System.arraycopy(state.tensor("guard.window").data(), 0, window, 0, WINDOW);
        if (state.hasTensor("guard.unsupervised")) System.arraycopy(state.tensor("guard.unsupervised").data(), 0, unsupervised, 0, WINDOW);
        else Arrays.fill(unsupervised, Float.POSITIVE_INFINITY);   // a state from before this test: unknown
        seen = state.getLong("guard.seen");
        intervalSum = state.getDouble("guard.interval_sum");
        intervalCount = state.getLong("guard.interval_count");
        for (int i = 0; i < INTERVALS; i++) intervalMeans[i] = state.getDouble("guard.interval_mean." + i);
    }
}
