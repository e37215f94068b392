package ssgan.nn.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/**
 * Modules applied one after another. Children are named by position, {@code "0"}, {@code "1"}, ...,
 * as in PyTorch, so a parameter of the third layer is {@code 2.weight}.
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        for (Module m : layers) add(m);
    }

    /** Appends a layer; returns this for chaining. */
    public Sequential add(Module layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) x = m.forward(x);
        return x;
    }

    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    public List<Module> layers() {
        return Collections.unmodifiableList(layers);
    }
}
