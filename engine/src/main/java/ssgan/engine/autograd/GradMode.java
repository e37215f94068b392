package ssgan.engine.autograd;

/**
 * Switches graph recording off for a scope, e.g. for evaluation or for updating parameters:
 * <pre>{@code
 * try (var scope = GradMode.noGrad()) {
 *     Tensor logits = model.forward(x);   // no graph is built
 * }
 * }</pre>
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private final boolean previous;

    private GradMode(boolean enabled) {
        previous = ENABLED.get();
        ENABLED.set(enabled);
    }

    /** Ops run inside this scope record no graph; closing it restores the previous mode. */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Turns recording back on inside an enclosing no-grad scope. */
    public static GradMode enableGrad() {
        return new GradMode(true);
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    @Override
    public void close() {
        ENABLED.set(previous);
    }
}
