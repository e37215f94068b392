package ssgan.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ssgan.engine.profile.OpProfile;

/**
 * Where one training iteration spends its time: runs the {@link TrainingStepFixture} of each
 * architecture with {@link OpProfile} on and prints the share of convolutions, transposed convolutions,
 * batch norm, fully connected layers and everything else (activations, noise, losses, Adam, copies),
 * and the bytes the iteration allocates on the heap, summed over all threads; then how the iteration's
 * wall time splits between the calling thread's own chunks of the parallel loops, its waits for the other
 * threads' chunks, and the work outside parallel loops (on one core while the others idle).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar ssgan.benchmarks.StepProfile [iterations] [--ops] [mlp|dcgan]</pre>
 * ({@code --ops} adds the time of every op, per iteration; an architecture's name profiles only that one).
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) {
        List<String> options = List.of(args);
        int iterations = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 100;
        boolean perOp = options.contains("--ops");
        List<String> archs = options.stream().filter(a -> a.equals("mlp") || a.equals("dcgan")).toList();
        System.out.println("| arch | batch | ms / iteration | iterations / s | conv | deconv | batch norm | linear | other | MB allocated / iteration |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String arch : archs.isEmpty() ? List.of("mlp", "dcgan") : archs) {
            TrainingStepFixture fixture = new TrainingStepFixture(arch);
            int n = arch.equals("mlp") ? iterations : Math.max(1, iterations / 5);
            for (int i = 0; i < n; i++) fixture.run();          // warm-up: JIT, workspaces

            OpProfile.reset();
            OpProfile.enable(true);
            long allocatedBefore = allocatedBytes();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) fixture.run();
            long total = System.nanoTime() - start;
            double allocatedMb = (allocatedBytes() - allocatedBefore) / 1e6 / n;
            OpProfile.enable(false);
            OpProfile.Loops loops = OpProfile.loops();

            Map<String, OpProfile.Times> ops = OpProfile.snapshot();
            long conv = nanos(ops, "conv2d"), deconv = nanos(ops, "convTranspose2d"), bn = nanos(ops, "batchNorm") + nanos(ops, "batchNorm+leakyRelu");
            long linear = nanos(ops, "linear") + nanos(ops, "matmul");
            long other = total - conv - deconv - bn - linear;
            double ms = total / 1e6 / n;
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %s | %s | %s | %s | %s | %.2f |%n", arch, fixture.batch, ms, 1000 / ms,
                    share(conv, total), share(deconv, total), share(bn, total), share(linear, total), share(other, total), allocatedMb);
            System.out.printf(Locale.ROOT, "    %d parallel loops per iteration: the calling thread ran its own chunks for %.2f ms, then waited "
                    + "%.2f ms for the other threads'; %.2f ms ran outside parallel loops, on one core%n", loops.count() / n,
                    loops.ownChunkNanos() / 1e6 / n, loops.waitNanos() / 1e6 / n, (total - loops.ownChunkNanos() - loops.waitNanos()) / 1e6 / n);
            if (perOp) {
                ops.forEach((op, t) -> System.out.printf(Locale.ROOT, "    %-28s forward %6.2f ms  backward %6.2f ms%n",
                        op, t.forwardNanos() / 1e6 / n, t.backwardNanos() / 1e6 / n));
            }
        }
    }

    /** Heap bytes allocated so far by the threads alive now (the caller and the kernels' workers). */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) sum += Math.max(0, bytes);
        return sum;
    }

    private static long nanos(Map<String, OpProfile.Times> ops, String op) {
        OpProfile.Times t = ops.get(op);
        return t == null ? 0 : t.totalNanos();
    }

    private static String share(long part, long total) {
        return String.format(Locale.ROOT, "%.0f %%", 100.0 * part / total);
    }
}
