package ssgan.nn.optim;

/**
 * A learning rate as a function of the epoch (0-based). A trainer applies it at the start of each epoch:
 * {@code optimizer.setLr(schedule.lr(epoch))}.
 */
@FunctionalInterface
public interface LrSchedule {
    float lr(int epoch);

    /** The same rate every epoch. */
    static LrSchedule constant(float lr) {
        return epoch -> lr;
    }

    /**
     * {@code lr} until epoch {@code start}, then linearly down to 0 at epoch {@code end}, and 0 after.
     * The improved-GAN code's {@code lr·min(3 − epoch/400, 1)} over 1200 epochs is
     * {@code linearDecay(lr, 800, 1200)}.
     */
    static LrSchedule linearDecay(float lr, int start, int end) {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("linearDecay: need 0 <= start < end, got start " + start + ", end " + end);
        }
        return epoch -> {
            if (epoch <= start) return lr;
            if (epoch >= end) return 0f;
            return (float) (lr * (double) (end - epoch) / (end - start));
        };
    }

    /** {@code lr·gamma^⌊epoch/every⌋}: multiplied by {@code gamma} every {@code every} epochs. */
    static LrSchedule stepDecay(float lr, int every, float gamma) {
        if (every <= 0) throw new IllegalArgumentException("stepDecay: every must be positive, got " + every);
        return epoch -> (float) (lr * Math.pow(gamma, Math.max(0, epoch) / every));
    }
}
