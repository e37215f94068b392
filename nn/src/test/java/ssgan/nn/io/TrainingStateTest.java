package ssgan.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class TrainingStateTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsOptimiserTensorsAndPosition() throws Exception {
        Rng rng = new Rng(42);
        rng.nextLong();
        TrainingState s = new TrainingState()
                .putTensor("adam.m.conv1.weight", Tensor.randn(rng, 4, 1, 3, 3))
                .putTensor("adam.v.conv1.weight", Tensor.rand(rng, 4, 1, 3, 3))
                .putLong("adam.step", 1234)
                .putLong("epoch", 7)
                .putLong("iteration", 4321)
                .putLong("rng.noise", rng.state())
                .putLong("rng.min", Long.MIN_VALUE)
                .putDouble("lr", 2e-4)
                .putAll(Map.of("loader.epoch", "3"))
                .put("note", "résumé \"ok\"");
        Path f = dir.resolve("state.safetensors");
        s.save(f);

        TrainingState back = TrainingState.load(f);
        assertEquals(List.of("adam.m.conv1.weight", "adam.v.conv1.weight"), List.copyOf(back.tensors().keySet()));
        assertArrayEquals(s.tensor("adam.m.conv1.weight").data(), back.tensor("adam.m.conv1.weight").data());
        assertArrayEquals(new int[] {4, 1, 3, 3}, back.tensor("adam.v.conv1.weight").shape());
        assertEquals(1234, back.getLong("adam.step"));
        assertEquals(7, back.getLong("epoch"));
        assertEquals(rng.state(), back.getLong("rng.noise"));
        assertEquals(Long.MIN_VALUE, back.getLong("rng.min"));
        assertEquals(2e-4, back.getDouble("lr"));
        assertEquals(3, back.getLong("loader.epoch"));
        assertEquals(99, back.getLong("absent", 99));
        assertEquals("résumé \"ok\"", back.get("note"));
        assertEquals(s.values(), back.values());
    }

    @Test
    void missingKeysNameWhatIsThere() {
        TrainingState s = new TrainingState().putLong("epoch", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.getLong("iteration"));
        assertTrue(e.getMessage().contains("iteration") && e.getMessage().contains("epoch"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.tensor("adam.m.x"));
        s.put("bad", "x1");
        assertThrows(IllegalArgumentException.class, () -> s.getLong("bad"));
    }
}
