package ssgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.device.Device;
import ssgan.engine.device.HeapDevice;
import ssgan.engine.ops.Reductions;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.Linear;
import ssgan.nn.optim.Sgd;

class ModuleTest {
    /** A leaf module with a parameter pair and a buffer, like a batch-norm layer. */
    static final class Leaf extends Module {
        final Tensor weight;
        final Tensor bias;
        final Tensor runningMean;

        Leaf(int n) {
            weight = registerParameter("weight", Tensor.full(1, n));
            bias = registerParameter("bias", Tensor.zeros(n));
            runningMean = registerBuffer("running_mean", Tensor.zeros(n));
        }

        @Override
        public Tensor forward(Tensor input) {
            return input;
        }
    }

    /** Two levels of nesting: disc.{conv1, block.{bn2}} plus a parameter of its own. */
    static final class Block extends Module {
        final Leaf bn2 = registerModule("bn2", new Leaf(2));
        final Tensor scale = registerParameter("scale", Tensor.ones(1));

        @Override
        public Tensor forward(Tensor input) {
            return bn2.forward(input);
        }
    }

    static final class Disc extends Module {
        final Tensor temperature = registerParameter("temperature", Tensor.ones(1));
        final Leaf conv1 = registerModule("conv1", new Leaf(3));
        final Block block = registerModule("block", new Block());

        @Override
        public Tensor forward(Tensor input) {
            return block.forward(conv1.forward(input));
        }
    }

    static final class Gan extends Module {
        final Disc disc = registerModule("disc", new Disc());

        @Override
        public Tensor forward(Tensor input) {
            return disc.forward(input);
        }
    }

    @Test
    void namesAreDottedPathsInRegistrationOrder() {
        Gan gan = new Gan();
        assertEquals(List.of("disc.temperature", "disc.conv1.weight", "disc.conv1.bias", "disc.block.scale",
                "disc.block.bn2.weight", "disc.block.bn2.bias"), List.copyOf(gan.namedParameters().keySet()));
        assertEquals(List.of("disc.conv1.running_mean", "disc.block.bn2.running_mean"), List.copyOf(gan.namedBuffers().keySet()));
        assertSame(gan.disc.conv1.weight, gan.namedParameters().get("disc.conv1.weight"));
        assertEquals(List.copyOf(gan.namedParameters().values()), gan.parameters());
        assertEquals(1 + 3 + 3 + 1 + 2 + 2, gan.parameterCount());
        assertTrue(gan.disc.conv1.weight.requiresGrad(), "registered parameters require gradients");
        assertFalse(gan.disc.conv1.runningMean.requiresGrad(), "buffers are not trained");
    }

    @Test
    void stateDictFollowsPyTorchOrderOwnParametersThenBuffersThenChildren() {
        Gan gan = new Gan();
        LinkedHashMap<String, Tensor> sd = gan.stateDict();
        assertEquals(List.of("disc.temperature",
                "disc.conv1.weight", "disc.conv1.bias", "disc.conv1.running_mean",
                "disc.block.scale",
                "disc.block.bn2.weight", "disc.block.bn2.bias", "disc.block.bn2.running_mean"), List.copyOf(sd.keySet()));
        assertSame(gan.disc.block.bn2.runningMean, sd.get("disc.block.bn2.running_mean"), "state dict holds the live tensors");
    }

    @Test
    void loadStateDictCopiesValuesIntoTheModelsOwnTensors() {
        Gan source = new Gan();
        source.disc.conv1.weight.data()[1] = 42;
        source.disc.block.bn2.runningMean.data()[0] = -3;
        Gan target = new Gan();
        Tensor targetWeight = target.disc.conv1.weight;
        target.loadStateDict(source.stateDict());
        assertSame(targetWeight, target.disc.conv1.weight);
        assertArrayEquals(new float[] {1, 42, 1}, targetWeight.data());
        assertArrayEquals(new float[] {-3, 0}, target.disc.block.bn2.runningMean.data());
    }

    @Test
    void loadStateDictRejectsMissingUnexpectedAndMisshapenEntries() {
        Gan gan = new Gan();
        LinkedHashMap<String, Tensor> sd = gan.stateDict();
        sd.remove("disc.temperature");
        sd.put("disc.extra", Tensor.zeros(1));
        sd.put("disc.conv1.bias", Tensor.zeros(4));
        sd.get("disc.conv1.weight").data()[0] = 99; // must not be applied: the load fails as a whole
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Gan().loadStateDict(sd));
        assertTrue(e.getMessage().contains("missing [disc.temperature]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected [disc.extra]"), e.getMessage());
        assertTrue(e.getMessage().contains("disc.conv1.bias"), e.getMessage());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Gan gan = new Gan();
        assertTrue(gan.disc.block.bn2.isTraining(), "modules start in training mode");
        gan.eval();
        assertFalse(gan.isTraining());
        assertFalse(gan.disc.isTraining());
        assertFalse(gan.disc.block.bn2.isTraining());
        gan.disc.train();
        assertFalse(gan.isTraining(), "train() on a child does not change its parent");
        assertTrue(gan.disc.conv1.isTraining());
        assertTrue(gan.disc.block.bn2.isTraining());
    }

    @Test
    void zeroGradClearsEveryParametersGradient() {
        Gan gan = new Gan();
        for (Tensor p : gan.parameters()) java.util.Arrays.fill(p.gradBuffer(), 5f);
        gan.zeroGrad();
        for (Tensor p : gan.parameters()) assertArrayEquals(new float[p.numel()], p.gradData());
    }

    /**
     * On a device, an optimiser's zeroGrad gives the parameters gradient buffers allocated together the
     * first time, zeroes what backward added to them, and keeps them from then on.
     */
    @Test
    void anOptimisersZeroGradOnADeviceKeepsItsBuffers() {
        Linear layer = new Linear(7, 3, new Rng(4));
        HeapDevice device = new HeapDevice("heap:1");
        layer.moveTo(device);
        Sgd sgd = new Sgd(layer.namedParameters(), Sgd.Options.plain(0.1f));
        Tensor x = Tensor.randn(new Rng(5), 4, 7).to(device);
        Reductions.sum(layer.forward(x)).backward();
        sgd.zeroGrad();
        List<Object> buffers = layer.parameters().stream().map(p -> (Object) p.deviceGradData()).toList();
        for (int round = 0; round < 2; round++) {
            for (Tensor p : layer.parameters()) assertArrayEquals(new float[p.numel()], p.grad().to(Device.CPU).data());
            Reductions.sum(layer.forward(x)).backward();
            assertTrue(layer.parameters().stream().anyMatch(p -> p.grad().to(Device.CPU).data()[0] != 0), "backward added to them");
            sgd.zeroGrad();
            assertEquals(buffers, layer.parameters().stream().map(p -> (Object) p.deviceGradData()).toList(), "the same buffers");
        }
    }

    @Test
    void registrationRejectsDuplicateAndDottedNames() {
        class Bad extends Module {
            Bad(String second) {
                registerParameter("w", Tensor.zeros(1));
                registerBuffer(second, Tensor.zeros(1));
            }

            @Override
            public Tensor forward(Tensor input) {
                return input;
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Bad("w"));
        assertThrows(IllegalArgumentException.class, () -> new Bad("a.b"));
        assertThrows(IllegalArgumentException.class, () -> new Bad(""));
    }

    @Test
    void loadStateDictWritesIntoAModelOnADevice() {
        Gan source = new Gan();
        source.disc.conv1.weight.data()[1] = 42;
        source.disc.block.bn2.runningMean.data()[0] = -3;
        Gan target = new Gan();
        HeapDevice device = new HeapDevice("heap:1");
        target.moveTo(device);
        target.loadStateDict(source.stateDict());
        assertSame(device, target.disc.conv1.weight.device(), "the values went to the device, the tensors stayed there");
        assertArrayEquals(new float[] {1, 42, 1}, target.disc.conv1.weight.to(Device.CPU).data());
        assertArrayEquals(new float[] {-3, 0}, target.disc.block.bn2.runningMean.to(Device.CPU).data());
    }

    @Test
    void moveToTakesEveryParameterAlongInPlaceAndBack() {
        Linear layer = new Linear(7, 3, new Rng(2));
        Tensor x = Tensor.randn(new Rng(3), 4, 7);
        float[] onCpu = layer.forward(x).data().clone();
        List<Tensor> parameters = layer.parameters();

        HeapDevice device = new HeapDevice("heap:1");
        assertSame(layer, layer.moveTo(device));
        assertEquals(parameters, layer.parameters(), "the same tensor objects");
        layer.parameters().forEach(p -> assertSame(device, p.device()));
        assertArrayEquals(onCpu, layer.forward(x.to(device)).to(Device.CPU).data(), "the layer computes the same on the device");

        layer.moveTo(Device.CPU);
        assertArrayEquals(onCpu, layer.forward(x).data());
    }
}
