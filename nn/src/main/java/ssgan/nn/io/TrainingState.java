package ssgan.nn.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import ssgan.engine.tensor.Tensor;

/**
 * Everything besides the model weights that an exact resume needs: optimiser tensors (Adam's
 * {@code m} and {@code v} per parameter, say {@code "adam.m.conv2.weight"}) and the training position
 * as key/value strings (epoch, iteration, step count, RNG states, data loader position...).
 *
 * <p>Deliberately generic: the optimiser and the trainer choose their own keys. It is stored as its own
 * safetensors file (tensors + {@code __metadata__}), so it is as safe and atomic as a model checkpoint
 * and can be inspected with the same tools. Longs and doubles are stored as decimal strings, which
 * round-trip exactly.
 */
public final class TrainingState {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();

    public TrainingState putTensor(String name, Tensor tensor) {
        if (tensor == null) throw new IllegalArgumentException("putTensor: tensor '" + name + "' is null");
        tensors.put(name, tensor);
        return this;
    }

    /** The tensor called {@code name}; an error naming what is there if absent. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("training state has no tensor '" + name + "'; it holds " + tensors.keySet());
        return t;
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /** All tensors, in insertion (file) order; read-only. */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public TrainingState put(String key, String value) {
        if (value == null) throw new IllegalArgumentException("put: value for '" + key + "' is null");
        values.put(key, value);
        return this;
    }

    public TrainingState putLong(String key, long value) {
        return put(key, Long.toString(value));
    }

    public TrainingState putDouble(String key, double value) {
        return put(key, Double.toString(value));
    }

    /** Adds every entry of {@code entries} (for example a data loader's position). */
    public TrainingState putAll(Map<String, String> entries) {
        entries.forEach(this::put);
        return this;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) throw new IllegalArgumentException("training state has no value '" + key + "'; it holds " + values.keySet());
        return v;
    }

    public long getLong(String key) {
        String v = get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training state value '" + key + "' is not an integer: " + v, e);
        }
    }

    public long getLong(String key, long fallback) {
        return has(key) ? getLong(key) : fallback;
    }

    public double getDouble(String key) {
        String v = get(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training state value '" + key + "' is not a number: " + v, e);
        }
    }

    /** All key/values, in insertion order; read-only. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** Saves atomically as a safetensors file. */
    public void save(Path file) throws IOException {
        SafeTensors.save(file, tensors, values);
    }

    public static TrainingState load(Path file) throws IOException {
        LoadedTensors loaded = SafeTensors.load(file);
        TrainingState s = new TrainingState();
        loaded.tensors().forEach(s::putTensor);
        s.putAll(loaded.metadata());
        return s;
    }
}
