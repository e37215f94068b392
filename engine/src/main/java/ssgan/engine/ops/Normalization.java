package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.BatchNormKernels;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/** Batch normalisation, forward beside its fused backward rule; the loops are in {@link BatchNormKernels}. */
public final class Normalization {
    private Normalization() {}

    /**
     * Batch normalisation per channel (dimension 1) of x {@code [N, C]}, {@code [N, C, L]} or
     * {@code [N, C, H, W]}: statistics over every dimension but the channel one (N, or N·H·W).
     * <pre>
     *   y = γ · (x − μ) / sqrt(σ² + eps) + β
     * </pre>
     * In training mode μ and σ² are the batch mean and biased variance, and the running statistics (when
     * not null) are updated in place as PyTorch does: {@code running = (1 − momentum)·running +
     * momentum·batch}, with the unbiased variance for {@code runningVar}. In eval mode μ and σ² are the
     * running statistics. {@code gamma} and {@code beta} ({@code [C]}) may be null: no scale, no shift.
     *
     * <p>The backward rule is the analytic one for the whole layer rather than a chain of elementwise ops:
     * with {@code x̂ = (x − μ)/σ} and means over the M values of a channel,
     * {@code dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))}, {@code dγ = Σ dy·x̂}, {@code dβ = Σ dy}
     * (in eval mode μ and σ are constants and {@code dx = γ/σ · dy}).
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, float[] runningMean, float[] runningVar,
                                   boolean training, float momentum, float eps) {
        return batchNorm(x, gamma, beta, runningMean, runningVar, training, momentum, eps, NO_ACTIVATION);
    }

    /**
     * {@link #batchNorm} followed by a leaky ReLU of slope {@code leakySlope} (0: a ReLU; 1: none), fused:
     * one pass writes the activated output, and the backward reads its gradient through the activation
     * (where the output is positive, as it is exactly where the normalised value was) instead of a
     * separate op writing that gradient out. The same numbers as the two ops one after the other.
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, float[] runningMean, float[] runningVar,
                                   boolean training, float momentum, float eps, float leakySlope) {
        String op = leakySlope == NO_ACTIVATION ? "batchNorm" : "batchNorm+leakyRelu";
        checkSlope(op, leakySlope);
        int[] shape = x.shape();
        if (x.dim() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C], [N, C, L] or [N, C, H, W], got " + Shape.str(shape));
        }
        int n = shape[0], c = shape[1], hw = c == 0 || n == 0 ? 0 : x.numel() / (n * c);
        checkChannels(op, "gamma", gamma, c, shape);
        checkChannels(op, "beta", beta, c, shape);
        checkStatistic(op, "runningMean", runningMean, c, shape);
        checkStatistic(op, "runningVar", runningVar, c, shape);
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException(op + ": eval mode normalises with the running statistics, but runningMean or runningVar is null");
        }
        long count = (long) n * hw;
        if (training && count < 2) {
            throw new IllegalArgumentException(op + ": training needs more than one value per channel to estimate a variance, got input "
                    + Shape.str(shape));
        }
        if (!(eps >= 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(op + ": need eps >= 0 and momentum in [0, 1], got eps " + eps + ", momentum " + momentum);
        }

        long start = OpProfile.start();
        // y = x·scale + shift per channel, with scale = γ/σ and shift = β − μ·scale.
        float[] mean = new float[c], invStd = new float[c], scale = new float[c], shift = new float[c];
        float[] y = Storage.take(x.numel());
        BatchNormKernels.Coefficients scaleAndShift = (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                scale[ch] = (gamma == null ? 1f : gamma.data()[ch]) * invStd[ch];
                shift[ch] = (beta == null ? 0f : beta.data()[ch]) - mean[ch] * scale[ch];
            }
        };
        if (training) {
            float[] var = new float[c];
            // Statistics, coefficients and normalisation in one parallel-for over channels; invStd is
            // worked out per thread for its channels, just before it is used.
            BatchNormKernels.normalize(x.data(), n, c, hw, mean, var, (c0, c1) -> {
                for (int ch = c0; ch < c1; ch++) invStd[ch] = (float) (1 / Math.sqrt(var[ch] + (double) eps));
                scaleAndShift.compute(c0, c1);
            }, scale, shift, leakySlope, y);
            if (runningMean != null && runningVar != null) {
                double unbiased = (double) count / (count - 1);
                for (int ch = 0; ch < c; ch++) {
                    runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean[ch];
                    runningVar[ch] = (float) ((1 - momentum) * runningVar[ch] + momentum * var[ch] * unbiased);
                }
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = runningMean[ch];
                invStd[ch] = (float) (1 / Math.sqrt(runningVar[ch] + (double) eps));
            }
            scaleAndShift.compute(0, c);
            BatchNormKernels.scaleShift(x.data(), n, c, hw, scale, shift, leakySlope, y);
        }
        OpProfile.record(op, false, start);

        return Tensor.fromOp(op, y, shape, dy -> {
            float[] gate = leakySlope == NO_ACTIVATION ? dy : y;   // the activation's output says where it passed dy
            boolean wantX = x.requiresGrad();
            boolean wantGamma = gamma != null && gamma.requiresGrad(), wantBeta = beta != null && beta.requiresGrad();
            // Σ dy and Σ dy·(x − μ) per channel give dγ, dβ and, in training, the correction terms of dx.
            float[] sumDy = new float[c], sumDyCentered = new float[c];
            // dx = a·dy + b·x + k per channel: the analytic formula expanded around x.
            float[] a = scale, b = new float[c], k = new float[c];
            boolean addToDx = x.gradData() != null;
            if (wantX && training) {
                // Sums, coefficients and dx in one parallel-for over channels, as in the forward.
                BatchNormKernels.gradient(dy, gate, leakySlope, x.data(), n, c, hw, mean, sumDy, sumDyCentered, (c0, c1) -> {
                    for (int ch = c0; ch < c1; ch++) {
                        double meanDy = sumDy[ch] / (double) count;
                        double meanDyXhat = sumDyCentered[ch] * (double) invStd[ch] / count;
                        double bc = -(double) scale[ch] * invStd[ch] * meanDyXhat;   // −γ/σ · x̂-coefficient / σ
                        b[ch] = (float) bc;
                        k[ch] = (float) (-scale[ch] * meanDy - bc * mean[ch]);
                    }
                }, a, b, k, x.gradBufferToOverwrite(), addToDx);
            } else if (wantGamma || wantBeta) {
                BatchNormKernels.gradientSums(dy, gate, leakySlope, x.data(), n, c, hw, mean, sumDy, sumDyCentered);
            }
            if (wantGamma) {
                float[] dg = gamma.gradBuffer();
                for (int ch = 0; ch < c; ch++) dg[ch] += sumDyCentered[ch] * invStd[ch];
            }
            if (wantBeta) {
                float[] db = beta.gradBuffer();
                for (int ch = 0; ch < c; ch++) db[ch] += sumDy[ch];
            }
            if (wantX && !training) {
                // Eval mode: μ and σ are constants, dx = γ/σ · dy (b and k stay zero).
                BatchNormKernels.combine(dy, gate, leakySlope, x.data(), n, c, hw, a, b, k, x.gradBufferToOverwrite(), addToDx);
            }
        }, inputs(x, gamma, beta));
    }

    /**
     * {@code y = x · scale[c] + shift[c]} per channel c (dimension 1) of x {@code [N, C]}, {@code [N, C, L]}
     * or {@code [N, C, H, W]}: the last step of batch norm on its own, and the output scaling of a
     * weight-normalised layer. One pass forward and one backward, where {@code mul} then {@code add}
     * with broadcasting would make two passes forward and four backward:
     * {@code dx = scale·dy}, {@code dscale = Σ dy·x}, {@code dshift = Σ dy} (sums over all but dimension 1).
     * {@code shift} may be null.
     */
    public static Tensor channelAffine(Tensor x, Tensor scale, Tensor shift) {
        return channelAffine(x, scale, shift, NO_ACTIVATION);
    }

    /**
     * {@link #channelAffine} followed by a leaky ReLU of slope {@code leakySlope} (0: a ReLU; 1: none),
     * fused as in {@link #batchNorm(Tensor, Tensor, Tensor, float[], float[], boolean, float, float, float)}:
     * the weight-normalised layers' scale, bias and activation in one pass each way.
     */
    public static Tensor channelAffine(Tensor x, Tensor scale, Tensor shift, float leakySlope) {
        String op = leakySlope == NO_ACTIVATION ? "channelAffine" : "channelAffine+leakyRelu";
        int[] shape = x.shape();
        checkAffine(op, shape, scale, shift, leakySlope);
        int n = shape[0], c = shape[1], hw = c == 0 || n == 0 ? 0 : x.numel() / (n * c);
        DeviceOps device = Devices.opsFor(op, x, scale, shift);
        if (device != null) return device.channelAffine(x, scale, shift, leakySlope);
        long start = OpProfile.start();
        float[] y = Storage.take(x.numel());
        float[] shiftData = shift == null ? new float[c] : shift.data();
        BatchNormKernels.scaleShift(x.data(), n, c, hw, scale.data(), shiftData, leakySlope, y);
        OpProfile.record(op, false, start);
        return Tensor.fromOp(op, y, shape, dy -> {
            float[] gate = leakySlope == NO_ACTIVATION ? dy : y;
            boolean wantScale = scale.requiresGrad(), wantShift = shift != null && shift.requiresGrad();
            float[] sumDy = new float[c], sumDyX = new float[c], zeros = new float[c];
            if (x.requiresGrad()) {
                boolean addToDx = x.gradData() != null;      // no buffer yet: write a new one, do not add
                // dx = scale·dy + 0·x + 0, with the sums for dscale and dshift in the same parallel pass.
                BatchNormKernels.gradient(dy, gate, leakySlope, x.data(), n, c, hw, zeros, sumDy, sumDyX, (c0, c1) -> { },
                        scale.data(), zeros, zeros, x.gradBufferToOverwrite(), addToDx);
            } else if (wantScale || wantShift) {
                BatchNormKernels.gradientSums(dy, gate, leakySlope, x.data(), n, c, hw, zeros, sumDy, sumDyX);
            }
            if (wantScale) {
                float[] ds = scale.gradBuffer();
                for (int ch = 0; ch < c; ch++) ds[ch] += sumDyX[ch];
            }
            if (wantShift) {
                float[] db = shift.gradBuffer();
                for (int ch = 0; ch < c; ch++) db[ch] += sumDy[ch];
            }
        }, shift == null ? new Tensor[] {x, scale} : new Tensor[] {x, scale, shift});
    }

    /** channelAffine's checks of its arguments, for an input of shape {@code shape}: also linearAffine's. */
    static void checkAffine(String op, int[] shape, Tensor scale, Tensor shift, float leakySlope) {
        checkSlope(op, leakySlope);
        if (shape.length < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C], [N, C, L] or [N, C, H, W], got " + Shape.str(shape));
        }
        if (scale == null) throw new IllegalArgumentException(op + ": scale is required (use an add for a shift alone)");
        checkChannels(op, "scale", scale, shape[1], shape);
        checkChannels(op, "shift", shift, shape[1], shape);
    }

    /** The slope that means no activation: z > 0 ? z : 1·z is z. */
    public static final float NO_ACTIVATION = 1f;

    /** The fused backward reads where the activation passed the gradient from the sign of its output, which needs slope ≥ 0. */
    private static void checkSlope(String op, float slope) {
        if (!(slope >= 0 && slope <= 1)) {
            throw new IllegalArgumentException(op + ": the leaky ReLU's slope must be in [0, 1] (0: ReLU, 1: none), got " + slope);
        }
    }

    private static void checkChannels(String op, String name, Tensor t, int c, int[] xShape) {
        if (t != null && (t.dim() != 1 || t.size(0) != c)) {
            throw new IllegalArgumentException(op + ": " + name + " must be [" + c + "] for input " + Shape.str(xShape) + ", got " + Shape.str(t.shape()));
        }
    }

    private static void checkStatistic(String op, String name, float[] s, int c, int[] xShape) {
        if (s != null && s.length != c) {
            throw new IllegalArgumentException(op + ": " + name + " has " + s.length + " values, input " + Shape.str(xShape) + " has " + c + " channels");
        }
    }

    private static Tensor[] inputs(Tensor x, Tensor gamma, Tensor beta) {
        if (gamma != null && beta != null) return new Tensor[] {x, gamma, beta};
        if (gamma != null) return new Tensor[] {x, gamma};
        if (beta != null) return new Tensor[] {x, beta};
        return new Tensor[] {x};
    }
}
