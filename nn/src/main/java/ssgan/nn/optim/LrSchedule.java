package ssgan.nn.optim;

/**
 * A learning rate as a function of progress: a 0-based count of epochs or of iterations, whichever the
 * trainer counts in. It applies it before each of them: {@code optimizer.setLr(schedule.lr(step))}.
 */
@FunctionalInterface
public interface LrSchedule {
    float lr(int step);

    /** The same rate throughout. */
    static LrSchedule constant(float lr) {
        return step -> lr;
    }

    /**
     * {@code lr} until step {@code start}, then linearly down to 0 at step {@code end}, and 0 after.
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
        return epoch -> (float) (lr * StrictMath.pow(gamma, Math.max(0, epoch) / every));
    }
}
