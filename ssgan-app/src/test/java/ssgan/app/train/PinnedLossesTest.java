package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssgan.app.model.MlpDiscriminator;
import ssgan.app.model.MlpGenerator;
import ssgan.engine.kernels.Simd;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.optim.Adam;

/**
 * The losses of three seeded training steps, to the last bit, as the build before the device seam
 * (commit 8bb8b26) computed them on one thread: changes to the engine's plumbing (storage, devices,
 * dispatch) must leave the cpu's arithmetic exactly as it was. The sums depend on the vector width, so
 * each width has its own record; a width without one is skipped, saying so.
 */
class PinnedLossesTest {
    /** Supervised, unsupervised and generator loss of steps 1 to 3, as float bits, per kernel description. */
    private static final Map<String, int[]> PINNED = Map.of(
            "Vector API, 512-bit", new int[] {
                    0x413a9c7c, 0x412c7c5e, 0x3feb8c93,
                    0x42051b7a, 0x41f30780, 0x4194603b,
                    0x41f761ab, 0x417d3a98, 0x40432967},
            "Vector API, 256-bit", new int[] {
                    0x413a9c7c, 0x412c7c5e, 0x3feb8c96,
                    0x42051b7a, 0x41f3078a, 0x41946125,
                    0x41f76216, 0x417d3bfa, 0x4042cf4f});

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static Tensor images(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) x[i] = 2 * rng.nextFloat() - 1;
        return Tensor.wrap(x, n, 1, 28, 28);
    }

    @Test
    void threeStepsGiveTheRecordedLossesBitForBit() {
        int[] pinned = PINNED.get(Simd.describe());
        assumeTrue(pinned != null, "no record for kernels '" + Simd.describe() + "' (recorded: " + PINNED.keySet() + ")");
        Parallel.setThreads(1);
        MlpDiscriminator disc = new MlpDiscriminator(5, new Rng(1));
        MlpGenerator gen = new MlpGenerator(new Rng(2));
        Adam.Options adam = Adam.Options.defaults().withLr(0.003f).withBetas(0.5f, 0.999f);
        SsganStep step = new SsganStep(disc, gen, new Adam(disc.namedTrainableParameters(), adam),
                new Adam(gen.namedTrainableParameters(), adam), new Rng(3), 0f, 0.5f);
        step.setConsistencyWeight(3f);
        for (int i = 0; i < 3; i++) {
            SsganStep.Losses l = step.run(images(10, 10 + i), new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, images(10, 20 + i), images(10, 30 + i));
            float[] got = {l.supervised(), l.unsupervised(), l.generator()};
            for (int k = 0; k < 3; k++) {
                float expected = Float.intBitsToFloat(pinned[3 * i + k]);
                assertEquals(pinned[3 * i + k], Float.floatToRawIntBits(got[k]), "step " + (i + 1) + " " + l + ": the record is " + expected);
            }
        }
    }
}
