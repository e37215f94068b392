package ssgan.nn.io;

import java.util.Map;
import ssgan.engine.tensor.Tensor;

/**
 * What a safetensors file holds: tensors by name in file order, and the string metadata of its
 * {@code __metadata__} entry (empty when there is none). Both maps are unmodifiable.
 */
public record LoadedTensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** The tensor called {@code name}; an error listing the available names if there is none. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor named '" + name + "'; the file holds " + tensors.keySet());
        return t;
    }
}
