package ssgan.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Tensor;

/**
 * Reverse-mode differentiation: order the graph topologically, then run each op's backward rule once,
 * from the output back to the leaves. Nothing else happens here.
 */
public final class Graph {
    private Graph() {}

    /**
     * Propagates the gradient already in {@code root} (the loss's, with respect to it) to every leaf that
     * requires a gradient, then frees the graph: intermediate tensors drop their node and gradient, and
     * their arrays go back to {@link ssgan.engine.tensor.Storage} (not the root's: its value stays readable).
     * Each one is freed as soon as its own rule has run, since no rule still to come reads it: those are
     * the rules of the ops that made its inputs, which ran before it existed.
     */
    public static void backward(Tensor root) {
        List<Tensor> order = topologicalOrder(root);
        for (Tensor t : order) checkNotFreed(t);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            Node node = t.node();
            boolean hasGradient = t.gradData() != null || t.deviceGradData() != null;
            if (hasGradient) {
                long start = OpProfile.start();
                if (t.isOnDevice()) node.deviceBackward().apply(t.deviceGradData());
                else node.backward().apply(t.gradData());
                OpProfile.record(node.op(), true, start);
            }
            t.releaseGraph(t.sharesStorageWith(root));
        }
    }

    /** A rule reads its inputs' arrays; one freed by an earlier backward or scope would give silently wrong gradients. */
    private static void checkNotFreed(Tensor t) {
        boolean freed = t.isRecycled();
        for (Tensor in : t.node().inputs()) freed |= in.isRecycled();
        if (freed) {
            throw new IllegalStateException("backward: the graph through " + t.node().op() + " was freed by an earlier backward() or "
                    + "Storage scope; run the forward pass again (one backward per graph)");
        }
    }

    // region topological-order (copied into docs/TOUR.md; DocsJavaFenceTest checks the copy)
    /** Every tensor with a node reachable from {@code root}, each after all of its inputs. */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        if (root.node() == null) return order;
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        // Iterative depth-first post-order, so deep graphs cannot overflow the stack.
        // region exercise-topological-order (read docs/TOUR.md §2): every tensor with a node, once, after all of its inputs, without recursion
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> nextInput = new ArrayDeque<>();
        stack.push(root);
        nextInput.push(0);
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int i = nextInput.pop();
            Tensor[] inputs = t.node().inputs();
            if (i < inputs.length) {
                nextInput.push(i + 1);
                Tensor in = inputs[i];
                if (in.node() != null && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(in);
                    nextInput.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
        // endregion exercise-topological-order
    }
    // endregion
}
