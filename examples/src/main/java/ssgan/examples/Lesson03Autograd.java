package ssgan.examples;

import static ssgan.engine.ops.Activations.tanh;
import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Reductions.sum;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import ssgan.engine.autograd.Node;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * Lesson 3: reverse-mode autograd on a small expression, with its graph printed.
 *
 * <p>We compute
 * <pre>
 *   L = Σᵢ ( aᵢ · tanh(aᵢ·bᵢ) + bᵢ )
 * </pre>
 * for two vectors a and b marked {@code requiresGrad(true)}. Each op ({@code mul}, {@code tanh},
 * {@code add}, {@code sum}) returns a new tensor that remembers, in its {@link Node}, the op's name, its
 * inputs, and a <i>backward rule</i>: given the gradient of L with respect to the op's output, add the
 * gradient with respect to each input into that input's gradient buffer. Nothing is differentiated yet;
 * the forward pass only records.
 *
 * <p>{@code L.backward()} then sorts the recorded nodes so that each comes after everything it depends
 * on, seeds dL/dL = 1, and runs the rules in reverse order. Note that {@code a} is used twice (in the
 * product with tanh and inside tanh): its two contributions are <i>added</i>, which is the multivariable
 * chain rule. That is why backward rules add into the buffer instead of overwriting it.
 *
 * <p>By hand, with t = tanh(a·b) and tanh' = 1 − tanh²:
 * <pre>
 *   ∂L/∂aᵢ = tᵢ + aᵢ·bᵢ·(1 − tᵢ²)        (product rule: the outer a, then the a inside tanh)
 *   ∂L/∂bᵢ = aᵢ²·(1 − tᵢ²) + 1
 * </pre>
 * The lesson computes these in double and compares. The graph is printed <i>before</i> backward: the
 * engine frees the graph as it goes back through it (the intermediate results are no longer needed),
 * just as PyTorch does unless asked to retain it.
 */
public final class Lesson03Autograd {
    private Lesson03Autograd() {}

    /**
     * {@code graph}: the printed tree; {@code opsInOrder}: the op names in the order backward will visit
     * them (reversed topological order); the gradients from autograd and by hand; the largest difference.
     */
    public record Result(String graph, List<String> opsInOrder, float[] a, float[] b,
                         float[] gradA, float[] gradB, double[] handGradA, double[] handGradB, double maxError) {}

    public static Result run(PrintStream out, int n, long seed) {
        out.printf("Lesson 3: autograd on L = sum(a * tanh(a * b) + b), %d elements%n", n);
        Rng rng = new Rng(seed);
        Tensor a = Tensor.randn(rng, n).requiresGrad(true);
        Tensor b = Tensor.randn(rng, n).requiresGrad(true);

        // Forward: each line records one node.
        Tensor ab = mul(a, b);
        Tensor t = tanh(ab);
        Tensor at = mul(a, t);
        Tensor s = add(at, b);
        Tensor loss = sum(s);

        // Names for the leaves, so that the printed graph says which input is which.
        Map<Tensor, String> names = new IdentityHashMap<>();
        names.put(a, "a");
        names.put(b, "b");
        String graph = tree(loss, names);
        List<String> order = backwardOrder(loss);
        out.println("  the graph, from the loss back to the leaves:");
        graph.lines().forEach(line -> out.println("    " + line));
        out.println("  backward visits: " + String.join(" → ", order));

        loss.backward();
        float[] gradA = a.gradData().clone(), gradB = b.gradData().clone();

        // The same gradients by hand, in double.
        double[] handA = new double[n], handB = new double[n];
        double maxError = 0;
        for (int i = 0; i < n; i++) {
            double ai = a.data()[i], bi = b.data()[i], ti = Math.tanh(ai * bi);
            handA[i] = ti + ai * bi * (1 - ti * ti);
            handB[i] = ai * ai * (1 - ti * ti) + 1;
            maxError = Math.max(maxError, Math.max(Math.abs(gradA[i] - handA[i]), Math.abs(gradB[i] - handB[i])));
        }
        out.println("      i        a        b   dL/da autograd    by hand   dL/db autograd    by hand");
        for (int i = 0; i < Math.min(n, 6); i++) {
            out.printf("  %5d %8.4f %8.4f   %14.7f %10.7f   %14.7f %10.7f%n",
                    i, a.data()[i], b.data()[i], gradA[i], handA[i], gradB[i], handB[i]);
        }
        out.printf("  largest |autograd − by hand| = %.2e (float rounding: the engine computes in float)%n", maxError);
        return new Result(graph, order, a.data().clone(), b.data().clone(), gradA, gradB, handA, handB, maxError);
    }

    /**
     * The graph as an indented tree, from {@code root} down. A tensor reached twice is printed in full
     * the first time and as a reference after that; leaves print their name.
     */
    static String tree(Tensor root, Map<Tensor, String> leafNames) {
        StringBuilder sb = new StringBuilder();
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        print(root, "", sb, seen, leafNames);
        return sb.toString();
    }

    private static void print(Tensor t, String indent, StringBuilder sb, Map<Tensor, Integer> seen, Map<Tensor, String> leafNames) {
        Node node = t.node();
        String shape = Shape.str(t.shape());
        if (node == null) {
            String name = leafNames.getOrDefault(t, "const");
            sb.append(indent).append(name).append(' ').append(shape).append(t.requiresGrad() ? " (leaf, requires grad)" : " (leaf)").append('\n');
            return;
        }
        Integer id = seen.get(t);
        if (id != null) {
            sb.append(indent).append(node.op()).append(" #").append(id).append(" (shown above)\n");
            return;
        }
        id = seen.size() + 1;
        seen.put(t, id);
        sb.append(indent).append(node.op()).append(" #").append(id).append(' ').append(shape).append('\n');
        for (Tensor in : node.inputs()) {
            if (in != null) print(in, indent + "  ", sb, seen, leafNames);
        }
    }

    /**
     * The op names in the order backward runs their rules: a depth-first post-order puts every node
     * after its inputs (a topological order); backward walks it from the end, so each node's gradient is
     * complete, every use of it has added in, before its own rule passes it on.
     */
    static List<String> backwardOrder(Tensor root) {
        List<Tensor> post = new ArrayList<>();
        visit(root, post, new IdentityHashMap<>());
        List<String> names = new ArrayList<>();
        for (int i = post.size() - 1; i >= 0; i--) names.add(post.get(i).node().op());
        return names;
    }

    private static void visit(Tensor t, List<Tensor> post, Map<Tensor, Boolean> visited) {
        if (t == null || t.node() == null || visited.put(t, Boolean.TRUE) != null) return;
        for (Tensor in : t.node().inputs()) visit(in, post, visited);
        post.add(t);
    }

    public static void main(String[] args) {
        run(System.out, 5, 3);
    }
}
