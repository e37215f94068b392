package ssgan.engine.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.ops.Activations;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.tensor.Tensor;

/**
 * {@link Graph#topologicalOrder}: every tensor made by an op appears once, after all of its inputs; a
 * chain far deeper than a recursive walk could follow is ordered; and backward through tensors shared by
 * several ops sums every path.
 */
@Tag("exercise-topological-order")
class GraphTest {
    /**
     * a = 2x feeds three ops, b = tanh(a) two, and x itself two: the graph of f has 8 op results. Only ops
     * whose backward rules are not exercises (scaling, add, tanh) are used, so that these tests depend on
     * no exercise after this one.
     */
    private static List<Tensor> diamond(Tensor x) {
        Tensor a = Arithmetic.mulScalar(x, 2f);
        Tensor b = Activations.tanh(a);
        Tensor c = Arithmetic.add(a, b);
        Tensor t = Activations.tanh(c);
        Tensor d = Arithmetic.add(t, a);
        Tensor e = Arithmetic.add(d, b);
        Tensor f = Arithmetic.add(e, x);
        Tensor root = Arithmetic.mulScalar(f, 3f);
        return List.of(a, b, c, t, d, e, f, root);
    }

    @Test
    void everyTensorWithANodeComesOnceAndAfterAllOfItsInputs() {
        Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f}, 3).requiresGrad(true);
        List<Tensor> made = diamond(x);
        Tensor root = made.get(made.size() - 1);
        List<Tensor> order = Graph.topologicalOrder(root);

        Map<Tensor, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            Tensor t = order.get(i);
            assertNotNull(t.node(), "position " + i + " holds a leaf: only tensors made by ops belong in the order");
            assertNull(position.put(t, i), t.node().op() + " is listed twice: its rule would run twice");
        }
        for (Tensor t : made) assertTrue(position.containsKey(t), t.node().op() + " is missing from the order");
        assertEquals(made.size(), order.size(), "the order holds exactly the op results reachable from the root");
        for (Tensor t : order) {
            for (Tensor in : t.node().inputs()) {
                if (in.node() == null) continue;
                assertTrue(position.get(in) < position.get(t),
                        t.node().op() + " at " + position.get(t) + " comes before its input " + in.node().op() + " at " + position.get(in));
            }
        }
        assertSame(root, order.get(order.size() - 1), "the root comes last");
    }

    @Test
    void aLeafHasAnEmptyOrder() {
        assertTrue(Graph.topologicalOrder(Tensor.ones(2).requiresGrad(true)).isEmpty());
    }

    @Test
    void backwardThroughSharedTensorsSumsEveryPath() {
        float[] xs = {0.5f, -1f, 2f};
        Tensor x = Tensor.of(xs, 3).requiresGrad(true);
        diamond(x).get(7).backward(Tensor.ones(3));
        // L = 3·[tanh(a + tanh a) + a + tanh a + x] with a = 2x: dL/dx = 3·(2·[(1 − tanh²c)·(1 + b') + 1 + b'] + 1),
        // b = tanh a, b' = 1 − b², c = a + b.
        for (int i = 0; i < xs.length; i++) {
            double a = 2.0 * xs[i], b = Math.tanh(a), db = 1 - b * b, tc = Math.tanh(a + b);
            double want = 3 * (2 * ((1 - tc * tc) * (1 + db) + 1 + db) + 1);
            assertEquals(want, x.gradData()[i], 1e-5 * Math.max(1, Math.abs(want)), "dL/dx[" + i + "]");
        }
    }

    @Test
    void aChainTooDeepForRecursionIsOrderedAndDifferentiated() throws InterruptedException {
        int depth = 100_000;
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < depth; i++) y = Arithmetic.addScalar(y, 1f);
        Tensor end = y;
        // On a 1 MB stack a walk that recurses once per tensor overflows long before 100,000 levels.
        Object[] result = new Object[1];
        Thread small = new Thread(null, () -> {
            try {
                result[0] = Graph.topologicalOrder(end);
            } catch (Throwable e) {
                result[0] = e;
            }
        }, "small-stack", 1 << 20);
        small.start();
        small.join();
        if (result[0] instanceof StackOverflowError) {
            fail("topologicalOrder overflowed the call stack on a chain of " + depth + " ops: keep the pending tensors on a stack of your own");
        }
        if (result[0] instanceof Throwable t) fail(t);
        @SuppressWarnings("unchecked")
        List<Tensor> order = (List<Tensor>) result[0];
        assertEquals(depth, order.size());
        assertSame(end, order.get(depth - 1));
        end.backward();
        assertEquals(1f, x.gradData()[0]);
    }
}
