package ssgan.app.train;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import ssgan.app.cli.TrainCommandAccess;
import ssgan.app.model.Discriminator;
import ssgan.app.report.Progress;
import ssgan.cuda.CapturedWork;
import ssgan.cuda.CudaArray;
import ssgan.cuda.CudaDevice;
import ssgan.cuda.HostOnlyCuda;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceUnavailableException;
import ssgan.engine.device.Devices;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.Mnist;

/**
 * Times the trainer's step ({@link Trainer#trainStep} and the parameter average, as the loop runs them,
 * batches included) with the {@code train} command's default recipe, on MNIST. engine-cuda/device-check.sh
 * runs it on the GPU machine; each measurement is printed as one line, {@code step-time {json}}, as soon
 * as it is taken, so that a run cut short by its time limit still reports the ones before.
 *
 * <pre>
 *   StepTimer MNIST_FOLDER DEVICE:ARCH:BATCH:WARMUP:TIMED[:OPTIONS] ...     e.g. cuda:mlp:100:20:200 cpu:dcgan:50:2:5
 * </pre>
 *
 * <p>OPTIONS are more {@code train} options, separated by commas: {@code cpu:mlp:100:50:400:--fake-batch,50,--reuse-features}.
 *
 * <p>A DEVICE of {@code host-only} is a cuda device whose driver does nothing ({@link HostOnlyCuda}):
 * the time left is the host's own share of a GPU step, a floor under it whatever the GPU.
 *
 * <p>An ARCH of {@code mlp-forward} or {@code dcgan-forward} times instead the discriminator's forward in
 * eval mode on one batch of test images, on a CUDA device: launched op by op, and replayed from a CUDA
 * graph ({@link CudaDevice#capture}), with the largest difference between the two results.
 *
 * <p>The clock is wall time around the timed loop, with the device synchronised before and after, and on
 * a CUDA device also the time between CUDA events recorded before and after the loop. As in the trainer's
 * loop, the losses stay on the device and are read every {@code LossLog.DEVICE_CAPACITY} iterations
 * (and after the loop), so the host runs ahead of the device in between.
 */
public final class StepTimer {
    private StepTimer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: StepTimer MNIST_FOLDER DEVICE:ARCH:BATCH:WARMUP:TIMED ...");
            System.exit(2);
        }
        Mnist.Splits data = Mnist.load(Path.of(args[0]));
        for (int i = 1; i < args.length; i++) {
            try {
                System.out.println("step-time " + measure(data, args[i]));
            } catch (Exception | Error e) {
                // The next measurements still run: one failure must not hide what the others would tell.
                e.printStackTrace();
                System.out.println("step-time {\"spec\": \"" + args[i] + "\", \"error\": \"" + String.valueOf(e).replace("\"", "'") + "\"}");
            }
        }
    }

    /** One measurement, as a JSON object; a device that cannot be opened gives the reason instead. */
    static String measure(Mnist.Splits data, String spec) throws Exception {
        String[] part = spec.split(":");
        String deviceName = part[0], arch = part[1].replace("-forward", "");
        boolean forwardOnly = part[1].endsWith("-forward");
        int batch = Integer.parseInt(part[2]), warmup = Integer.parseInt(part[3]), timed = Integer.parseInt(part[4]);
        String what = String.format(Locale.ROOT, "\"arch\": \"%s\", \"batch\": %d", part[1], batch);
        Device device;
        try {
            device = switch (deviceName) {
                case "cpu" -> Device.CPU;
                case "host-only" -> HostOnlyCuda.device();   // the host's share of a cuda step
                default -> Devices.open(deviceName);
            };
        } catch (DeviceUnavailableException e) {
            return String.format(Locale.ROOT, "{\"device\": \"%s\", %s, \"skipped\": \"%s\"}", deviceName, what, e.getMessage().replace("\"", "'"));
        }
        Path out = Files.createTempDirectory("step-timer");
        List<String> options = new ArrayList<>(List.of("--arch", arch, "--batch-size", Integer.toString(batch), "--out", out.toString()));
        if (part.length > 5) options.addAll(List.of(part[5].split(",")));
        if (part.length > 5) what += String.format(Locale.ROOT, ", \"options\": \"%s\"", part[5].replace(",", " "));
        TrainConfig config = TrainCommandAccess.config(options.toArray(String[]::new));
        Parallel.setThreads(config.threads());
        Trainer trainer = new Trainer(config, data, new Progress(new PrintStream(OutputStream.nullOutputStream()), false), device);
        trainer.begin();
        if (forwardOnly) {
            if (!(device instanceof CudaDevice cuda)) {
                return String.format(Locale.ROOT, "{\"device\": \"%s\", %s, \"skipped\": \"graphs are for cuda devices\"}", deviceName, what);
            }
            Tensor images = data.test().subset("timing", IntStream.range(0, batch).toArray()).imagesTensor().to(cuda);
            ForwardTimes t = forwardTimes(trainer.discriminator(), images, cuda, warmup, timed);
            return String.format(Locale.ROOT, "{\"device\": \"%s\", %s, \"what\": \"discriminator forward, eval mode\", \"warmup\": %d, "
                    + "\"timed\": %d, \"eager_ms\": %.4f, \"graph_ms\": %.4f, \"largest_difference\": %.3g, \"clock\": \"CUDA events around "
                    + "the timed loop\"}", cuda.description(), what, warmup, timed, t.eagerMs(), t.graphMs(), t.largestDifference());
        }
        for (int i = 0; i < warmup; i++) iterate(trainer);
        synchronize(device);
        long start = System.nanoTime();
        Runnable loop = () -> {
            for (int i = 0; i < timed; i++) iterate(trainer);
        };
        double eventMs = Double.NaN;
        if (device instanceof CudaDevice cuda) {
            eventMs = cuda.timeMillis(loop) / timed;
        } else {
            loop.run();
        }
        checkLosses(trainer);
        synchronize(device);
        double ms = (System.nanoTime() - start) / 1e6 / timed;
        String name = device instanceof CudaDevice cuda ? cuda.description() : "cpu (" + config.threads() + " threads)";
        // engine-cuda's switch back to blocking copies (Uploads.BLOCKING), for the difference the queued ones make
        String uploads = device.isCpu() ? "" : Boolean.getBoolean("ssgan.cuda.blockingUploads") ? ", \"uploads\": \"blocking\"" : ", \"uploads\": \"queued\"";
        String events = Double.isNaN(eventMs) ? "" : String.format(Locale.ROOT, ", \"event_ms_per_step\": %.3f", eventMs);
        // each iteration one CUDA graph (Device.batch), or every call launched as it comes (-Dssgan.cuda.stepGraphs=false)
        if (device instanceof CudaDevice cuda) {
            uploads += String.format(Locale.ROOT, ", \"launches\": \"%s\", \"graphs_made\": %d, \"graphs_launched\": %d, \"graph_nodes_updated\": %d, \"graph_calls\": %d",
                    "false".equals(System.getProperty("ssgan.cuda.stepGraphs")) ? "one by one" : "graphs", cuda.graphsMade(),
                    cuda.graphsLaunched(), cuda.graphNodesUpdated(), cuda.graphCalls());
        }
        return String.format(Locale.ROOT, "{\"device\": \"%s\", %s, \"consistency\": %s%s, \"warmup\": %d, \"timed\": %d, \"ms_per_step\": %.3f%s, "
                + "\"clock\": \"ms_per_step: wall time, device synchronised around the timed loop; event_ms_per_step: between CUDA events "
                + "recorded around it\"}", name, what, config.consistencyWeight() > 0, uploads, warmup, timed, ms, events);
    }

    private static void iterate(Trainer trainer) {
        trainer.trainIteration();
        if (trainer.lossesDue()) checkLosses(trainer);
    }

    private static void checkLosses(Trainer trainer) {
        for (SsganStep.Losses l : trainer.readLosses()) {
            if (!l.finite()) throw new IllegalStateException("a loss became non-finite while timing");
        }
    }

    /** Milliseconds per forward, launched op by op and replayed from a graph, and how far apart their results are. */
    record ForwardTimes(double eagerMs, double graphMs, double largestDifference) {}

    /**
     * Times {@code disc}'s forward in eval mode on {@code images} (on {@code cuda}): {@code timed} forwards
     * after {@code warmup}, launched op by op, then the same forward captured once into a CUDA graph and
     * replayed as often; each result is copied into one array, whose values the two ways must share.
     */
    static ForwardTimes forwardTimes(Discriminator disc, Tensor images, CudaDevice cuda, int warmup, int timed) {
        boolean wasTraining = disc.isTraining();
        disc.eval();
        CudaArray out;
        try (var noGrad = GradMode.noGrad(); var scope = Storage.scope()) {
            out = cuda.allocate(disc.forward(images).numel());
        }
        Runnable forward = () -> {
            try (var noGrad = GradMode.noGrad(); var scope = Storage.scope()) {
                cuda.ops().copy(out, disc.forward(images).deviceData());
            }
        };
        try {
            for (int i = 0; i < warmup; i++) forward.run();
            double eager = cuda.timeMillis(() -> {
                for (int i = 0; i < timed; i++) forward.run();
            }) / timed;
            float[] eagerValues = new float[out.length()];
            out.copyToHost(eagerValues);
            cuda.fill(out, Float.NaN);   // so that a graph that wrote nothing shows as a NaN difference, not as none
            double graphMs;
            try (CapturedWork graph = cuda.capture(forward)) {
                for (int i = 0; i < warmup; i++) graph.run();
                graphMs = cuda.timeMillis(() -> {
                    for (int i = 0; i < timed; i++) graph.run();
                }) / timed;
            }
            float[] graphValues = new float[out.length()];
            out.copyToHost(graphValues);
            double largest = 0;
            for (int i = 0; i < eagerValues.length; i++) largest = Math.max(largest, Math.abs(eagerValues[i] - graphValues[i]));
            return new ForwardTimes(eager, graphMs, largest);
        } finally {
            out.release();
            disc.train(wasTraining);
        }
    }

    private static void synchronize(Device device) {
        if (device instanceof CudaDevice cuda) cuda.synchronize();
    }
}
