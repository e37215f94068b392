package ssgan.benchmarks;

import java.util.Locale;
import java.util.Map;
import ssgan.engine.profile.OpProfile;

/**
 * Where one training iteration spends its time: runs the {@link TrainingStepFixture} of each
 * architecture with {@link OpProfile} on and prints the share of convolutions, transposed convolutions,
 * batch norm, fully connected layers and everything else (activations, noise, losses, Adam, copies).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar ssgan.benchmarks.StepProfile [iterations [--ops]]</pre>
 * ({@code --ops} adds the time of every op, per iteration).
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        boolean perOp = args.length > 1 && args[1].equals("--ops");
        System.out.println("| arch | batch | ms / iteration | iterations / s | conv | deconv | batch norm | linear | other |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String arch : new String[] {"mlp", "dcgan"}) {
            TrainingStepFixture fixture = new TrainingStepFixture(arch);
            int n = arch.equals("mlp") ? iterations : Math.max(1, iterations / 5);
            for (int i = 0; i < n; i++) fixture.run();          // warm-up: JIT, workspaces

            OpProfile.reset();
            OpProfile.enable(true);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) fixture.run();
            long total = System.nanoTime() - start;
            OpProfile.enable(false);

            Map<String, OpProfile.Times> ops = OpProfile.snapshot();
            long conv = nanos(ops, "conv2d"), deconv = nanos(ops, "convTranspose2d"), bn = nanos(ops, "batchNorm");
            long linear = nanos(ops, "linear") + nanos(ops, "matmul");
            long other = total - conv - deconv - bn - linear;
            double ms = total / 1e6 / n;
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %s | %s | %s | %s | %s |%n", arch, fixture.batch, ms, 1000 / ms,
                    share(conv, total), share(deconv, total), share(bn, total), share(linear, total), share(other, total));
            if (perOp) {
                ops.forEach((op, t) -> System.out.printf(Locale.ROOT, "    %-28s forward %6.2f ms  backward %6.2f ms%n",
                        op, t.forwardNanos() / 1e6 / n, t.backwardNanos() / 1e6 / n));
            }
        }
    }

    private static long nanos(Map<String, OpProfile.Times> ops, String op) {
        OpProfile.Times t = ops.get(op);
        return t == null ? 0 : t.totalNanos();
    }

    private static String share(long part, long total) {
        return String.format(Locale.ROOT, "%.0f %%", 100.0 * part / total);
    }
}
