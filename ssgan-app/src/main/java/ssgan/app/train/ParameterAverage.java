package ssgan.app.train;

import java.util.LinkedHashMap;
import java.util.Map;
import ssgan.engine.tensor.Tensor;

/**
 * An exponential moving average of a model's parameters, {@code avg ← avg + rate·(p − avg)}, as the
 * paper's code keeps for evaluation: the average of a noisy trajectory classifies better than its last
 * point. {@link #swapIn} puts the averages into the model (for evaluation or saving) and
 * {@link #swapOut} restores the trained values.
 *
 * <p>The average starts at the initial parameters, and a plain EMA would keep a weight of
 * {@code (1 − rate)^n} on them after n updates: still 37 % after 1/rate updates. So the n-th update uses
 * {@code max(rate, 1/(n+1))} instead: until 1/rate updates the average is the plain mean of the
 * initial point and every point since, and only then does it start to forget.
 */
public final class ParameterAverage {
    private final Map<String, Tensor> parameters;
    private final LinkedHashMap<String, Tensor> averages = new LinkedHashMap<>();
    private final float rate;
    private boolean swapped;

    public ParameterAverage(Map<String, Tensor> parameters, float rate) {
        if (!(rate > 0 && rate <= 1)) throw new IllegalArgumentException("--ema rate must be in (0, 1], got " + rate);
        this.parameters = parameters;
        this.rate = rate;
        parameters.forEach((name, p) -> averages.put(name, p.copy()));
    }

    /** Folds in the current parameters as the {@code n}-th update since the start (n = 1, 2, ...). */
    public void update(long n) {
        if (n < 1) throw new IllegalArgumentException("update count starts at 1, got " + n);
        float rate = (float) Math.max(this.rate, 1.0 / (n + 1));
        parameters.forEach((name, p) -> {
            float[] a = averages.get(name).data();
            float[] x = p.data();
            for (int i = 0; i < a.length; i++) a[i] += rate * (x[i] - a[i]);
        });
    }

    /** Exchanges the model's parameters with the averages (call again with {@link #swapOut}). */
    public void swapIn() {
        if (swapped) throw new IllegalStateException("averages already swapped in");
        exchange();
        swapped = true;
    }

    public void swapOut() {
        if (!swapped) throw new IllegalStateException("averages not swapped in");
        exchange();
        swapped = false;
    }

    private void exchange() {
        parameters.forEach((name, p) -> {
            float[] a = averages.get(name).data();
            float[] x = p.data();
            for (int i = 0; i < a.length; i++) {
                float t = x[i];
                x[i] = a[i];
                a[i] = t;
            }
        });
    }

    /** The averages by parameter name (live tensors), for checkpoints. */
    public Map<String, Tensor> averages() {
        return averages;
    }
}
