package ssgan.nn.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.Reduce;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.engine.parallel.Parallel;

/**
 * Weight normalisation (Salimans &amp; Kingma 2016): a layer's weight is re-parameterised per output unit
 * as {@code w = g · v / ‖v‖}, so the length {@code g} and the direction {@code v} are learned separately.
 * Parameters are named like PyTorch's {@code weight_norm}: {@code weight_g} (shape {@code [out, 1, ...]})
 * and {@code weight_v} (the weight's shape). Used by {@link WeightNormLinear} and {@link WeightNormConv2d}.
 *
 * <p>Data-dependent initialisation: run {@link #initialize(Module, Tensor)} once on a real batch before
 * training. Each weight-normalised layer, in forward order, computes its pre-activations
 * {@code t = x·v/‖v‖} on the batch and sets {@code g = 1/std(t)} and {@code bias = −mean(t)/std(t)} per
 * unit, so its output on that batch has zero mean and unit variance per unit; later layers see inputs
 * produced by the already initialised ones. It is an explicit call (not a side effect of the first
 * forward) so that a model restored from a checkpoint is never re-initialised by accident.
 */
public final class WeightNorm {
    /** Added to the variance before the square root, so a unit that is constant on the batch gets a finite scale. */
    public static final double INIT_EPS = 1e-8;

    /** A layer that can take part in {@link #initialize}. */
    public interface DataDependentInit {
        /** Makes the next forward pass initialise g and bias from its input batch. */
        void armDataDependentInit();

        boolean dataDependentInitPending();
    }

    private WeightNorm() {}

    /** {@code g · v / ‖v‖} with the norm over every dimension but 0; differentiable in g and v. */
    public static Tensor weight(Tensor g, Tensor v) {
        return Arithmetic.mul(v, Arithmetic.div(g, norms(v)));
    }

    /** ‖v‖ per output unit, shaped {@code [out, 1, ...]} like {@code weight_g}. */
    public static Tensor norms(Tensor v) {
        return rowNorms(v).reshape(gShape(v.shape()));
    }

    /**
     * ‖v_r‖ for each row r of v viewed as {@code [out, rest]}: one fused op, because the chain
     * sqrt(sum(v·v)) would make three passes over the whole weight, forward and backward, every step.
     * Backward: ∂‖v_r‖/∂v_r = v_r / ‖v_r‖.
     */
    public static Tensor rowNorms(Tensor v) {
        DeviceOps device = Devices.opsFor("weightNorm.rowNorms", v);
        if (device != null) return device.rowNorms(v);
        int rows = v.size(0);
        int cols = v.numel() / Math.max(1, rows);
        float[] vd = v.data();
        float[] norms = new float[rows];
        Parallel.forRange(rows, 16, (chunk, from, to) -> {
            for (int r = from; r < to; r++) norms[r] = (float) Math.sqrt(Reduce.sumOfSquares(vd, r * cols, cols));
        });
        return Tensor.fromOp("weightNorm.rowNorms", norms, new int[] {rows}, g -> {
            float[] dv = v.gradBuffer();
            Parallel.forRange(rows, 16, (chunk, from, to) -> {
                for (int r = from; r < to; r++) {
                    float a = norms[r] > 0 ? g[r] / norms[r] : 0f;
                    int off = r * cols;
                    for (int j = 0; j < cols; j++) dv[off + j] += a * vd[off + j];
                }
            });
        }, v);
    }

    /** The shape of {@code weight_g} for a weight of shape {@code vShape}: {@code [out, 1, ..., 1]}. */
    static int[] gShape(int[] vShape) {
        int[] s = new int[vShape.length];
        java.util.Arrays.fill(s, 1);
        s[0] = vShape[0];
        return s;
    }

    /**
     * Runs {@code model.forward(batch)} once without recording a graph, letting every weight-normalised
     * layer in it set its g and bias from the batch (see the class comment). Returns the model's output
     * on the batch. Fails if some weight-normalised layer was not reached by the forward pass.
     */
    public static Tensor initialize(Module model, Tensor batch) {
        Map<String, DataDependentInit> armed = new LinkedHashMap<>();
        model.namedModules().forEach((name, m) -> {
            if (m instanceof DataDependentInit layer) {
                layer.armDataDependentInit();
                armed.put(name, layer);
            }
        });
        Tensor out;
        try (GradMode scope = GradMode.noGrad()) {
            out = model.forward(batch);
        }
        List<String> missed = new ArrayList<>();
        armed.forEach((name, layer) -> {
            if (layer.dataDependentInitPending()) missed.add(name);
        });
        if (!missed.isEmpty()) {
            throw new IllegalStateException("WeightNorm.initialize: the forward pass did not reach " + missed
                    + "; they are still waiting for a batch");
        }
        return out;
    }

    /**
     * Sets {@code g = 1/std} and {@code bias = −mean/std} per unit from pre-activations {@code t} of shape
     * {@code [N, units, ...]} computed with unit-norm weights and no bias (statistics over every dimension
     * but 1, in double).
     */
    static void setFromStatistics(Tensor t, Tensor g, Tensor bias) {
        int[] s = t.shape();
        int n = s[0], units = s[1], inner = t.numel() / Math.max(1, n * units);
        if (g.numel() != units || bias.numel() != units) {
            throw new IllegalArgumentException("WeightNorm: pre-activations " + Shape.str(s) + " do not match weight_g " + Shape.str(g.shape()));
        }
        long count = (long) n * inner;
        if (count < 2) throw new IllegalArgumentException("WeightNorm.initialize: need at least 2 values per unit, got pre-activations " + Shape.str(s));
        float[] x = t.data();
        for (int u = 0; u < units; u++) {
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * units + u) * inner;
                for (int j = 0; j < inner; j++) sum += x[base + j];
            }
            double mean = sum / count;
            for (int i = 0; i < n; i++) {
                int base = (i * units + u) * inner;
                for (int j = 0; j < inner; j++) {
                    double d = x[base + j] - mean;
                    sq += d * d;
                }
            }
            double invStd = 1 / Math.sqrt(sq / count + INIT_EPS);
            g.data()[u] = (float) invStd;
            bias.data()[u] = (float) (-mean * invStd);
        }
    }
}
