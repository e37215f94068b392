package ssgan.engine.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import ssgan.engine.tensor.Tensor;

/**
 * Tensors written by {@code src/test/resources/reference/make_reference.py} (PyTorch): per tensor a line
 * {@code name dims...} and a line of values; '#' lines are comments.
 */
final class ReferenceData {
    private final String name;
    private final Map<String, Tensor> tensors;

    private ReferenceData(String name, Map<String, Tensor> tensors) {
        this.name = name;
        this.tensors = tensors;
    }

    static ReferenceData load(String caseName) {
        String resource = "/reference/" + caseName + ".txt";
        try (InputStream in = ReferenceData.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource + " (run make_reference.py)");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, Tensor> tensors = new HashMap<>();
            String header;
            while ((header = r.readLine()) != null) {
                if (header.isBlank() || header.startsWith("#")) continue;
                String[] h = header.trim().split(" ");
                int[] shape = new int[h.length - 1];
                for (int i = 1; i < h.length; i++) shape[i - 1] = Integer.parseInt(h[i]);
                String[] v = r.readLine().trim().split(" ");
                float[] data = new float[v.length];
                for (int i = 0; i < v.length; i++) data[i] = Float.parseFloat(v[i]);
                tensors.put(h[0], Tensor.wrap(data, shape));
            }
            return new ReferenceData(caseName, tensors);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /** A fresh copy (so a test may mark it requiresGrad and accumulate into it). */
    Tensor get(String tensor) {
        Tensor t = tensors.get(tensor);
        if (t == null) throw new IllegalArgumentException(name + ": no tensor named " + tensor);
        return t.copy();
    }

    float[] data(String tensor) {
        return get(tensor).data();
    }
}
