package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Lesson03AutogradTest {
    @Test
    void graphNamesTheOpsAndGradientsMatchTheChainRule() {
        Captured c = new Captured();
        Lesson03Autograd.Result r = Lesson03Autograd.run(c.out(), 9, 3);

        // L = sum(add(mul(a, tanh(mul(a, b))), b)): backward runs from the loss down.
        assertEquals(List.of("sum", "add", "mul", "tanh", "mul"), r.opsInOrder());
        String graph = r.graph();
        for (String op : List.of("sum #", "add #", "mul #", "tanh #")) assertTrue(graph.contains(op), graph);
        assertEquals(4, graph.lines().filter(l -> l.contains("(leaf, requires grad)")).count(),
                "a and b each appear twice as leaves: " + graph);
        assertTrue(c.text().contains("backward visits: sum → add → mul → tanh → mul"), c.text());

        // The gradients, derived again here: d/da [a·tanh(ab) + b] = tanh(ab) + ab·sech²(ab).
        for (int i = 0; i < r.a().length; i++) {
            double a = r.a()[i], b = r.b()[i];
            double sech2 = 1 / Math.pow(Math.cosh(a * b), 2);
            assertEquals(Math.tanh(a * b) + a * b * sech2, r.gradA()[i], 1e-5, "dL/da[" + i + "]");
            assertEquals(a * a * sech2 + 1, r.gradB()[i], 1e-5, "dL/db[" + i + "]");
        }
        assertTrue(r.maxError() < 1e-5, "largest difference " + r.maxError());
    }
}
