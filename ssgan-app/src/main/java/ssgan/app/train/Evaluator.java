package ssgan.app.train;

import java.util.List;
import ssgan.app.model.Discriminator;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.Device;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.Reductions;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.Dataset;
import ssgan.nn.data.RandomShift;

/**
 * Accuracy on a labelled set: argmax over the 10 class logits, with the discriminator in eval mode (no
 * noise). With a shift radius r, each image is classified in every position moved by up to r pixels in
 * each direction ((2r+1)² views) and the class probabilities are averaged: test-time augmentation.
 * Several discriminators (checkpoints of one run, or of several) are evaluated as an ensemble, their
 * class probabilities averaged.
 * It runs where the discriminator's parameters live; the images go there batch by batch.
 */
public final class Evaluator {
    /**
     * Accuracy with its confusion matrix, {@code confusion[true][predicted]}, and the class predicted for
     * each image of the data, in its order.
     */
    public record Result(double accuracy, int[][] confusion, int[] predicted) {
        public double classAccuracy(int c) {
            int total = 0;
            for (int p = 0; p < confusion[c].length; p++) total += confusion[c][p];
            return total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }

        public int errors() {
            int wrong = 0;
            for (int t = 0; t < confusion.length; t++) {
                for (int p = 0; p < confusion.length; p++) if (t != p) wrong += confusion[t][p];
            }
            return wrong;
        }
    }

    private static final int BATCH = 500;

    private Evaluator() {}

    public static Result evaluate(Discriminator disc, Dataset data) {
        return evaluate(disc, data, 0);
    }

    public static Result evaluate(Discriminator disc, Dataset data, int shiftRadius) {
        return evaluate(List.of(disc), data, shiftRadius);
    }

    /**
     * The accuracy of an ensemble: each image's class probabilities averaged over {@code discs} (each
     * over its shifted views, with a shift radius); with one discriminator, its own accuracy. They must
     * live on one device.
     */
    public static Result evaluate(List<Discriminator> discs, Dataset data, int shiftRadius) {
        if (shiftRadius < 0) throw new IllegalArgumentException("shift radius must be >= 0, got " + shiftRadius);
        if (discs.isEmpty()) throw new IllegalArgumentException("no discriminator to evaluate");
        Device device = deviceOf(discs.get(0));
        for (Discriminator d : discs) {
            if (deviceOf(d) != device) throw new IllegalArgumentException("an ensemble on " + device.name() + " and " + deviceOf(d).name());
        }
        boolean[] wasTraining = new boolean[discs.size()];
        for (int i = 0; i < discs.size(); i++) {
            wasTraining[i] = discs.get(i).isTraining();
            discs.get(i).eval();
        }
        int k = data.numClasses();
        int[][] confusion = new int[k][k];
        int pixels = data.imageSize();
        int correct = 0;
        int[] predictions = new int[data.size()];
        try (var scope = GradMode.noGrad()) {
            for (int start = 0; start < data.size(); start += BATCH) {
                int n = Math.min(BATCH, data.size() - start);
                float[] images = new float[n * pixels];
                System.arraycopy(data.images(), start * pixels, images, 0, n * pixels);
                Tensor batch = Tensor.wrap(images, n, 1, data.height(), data.width());
                int[] predicted;
                try (var results = Storage.scope()) {   // a device's memory goes back batch by batch
                    Tensor onDevice = DeviceBatch.copy(batch, device);
                    Tensor scores = scores(discs, onDevice, shiftRadius);
                    predicted = Reductions.argmax(scores, 1);   // on the host, wherever the scores are
                }
                for (int i = 0; i < n; i++) {
                    int truth = data.label(start + i);
                    confusion[truth][predicted[i]]++;
                    if (truth == predicted[i]) correct++;
                    predictions[start + i] = predicted[i];
                }
            }
        } finally {
            for (int i = 0; i < discs.size(); i++) discs.get(i).train(wasTraining[i]);
        }
        return new Result((double) correct / data.size(), confusion, predictions);
    }

    /** What the argmax is taken of: one discriminator's logits, or the sum of the probabilities of every view and model. */
    private static Tensor scores(List<Discriminator> discs, Tensor batch, int shiftRadius) {
        if (discs.size() == 1) {
            Discriminator disc = discs.get(0);
            return shiftRadius == 0 ? disc.forward(batch) : averagedProbabilities(disc, batch, shiftRadius);
        }
        Tensor sum = null;
        for (Discriminator disc : discs) {
            Tensor p = averagedProbabilities(disc, batch, shiftRadius);
            sum = sum == null ? p : Arithmetic.add(sum, p);
        }
        return sum;
    }

    /** The class probabilities averaged over every offset in [−r, r]² (their sum: the argmax is the same). */
    private static Tensor averagedProbabilities(Discriminator disc, Tensor batch, int r) {
        Tensor sum = null;
        for (int dy = -r; dy <= r; dy++) {
            for (int dx = -r; dx <= r; dx++) {
                Tensor view = r == 0 ? batch : RandomShift.translate(batch, dx, dy, -1f);   // where the batch is
                Tensor p = Reductions.softmax(disc.forward(view), 1);
                sum = sum == null ? p : Arithmetic.add(sum, p);
            }
        }
        return sum;
    }

    /** Where the discriminator's parameters live, and so where it computes. */
    private static Device deviceOf(Discriminator disc) {
        List<Tensor> parameters = disc.parameters();
        return parameters.isEmpty() ? Device.CPU : parameters.get(0).device();
    }
}
