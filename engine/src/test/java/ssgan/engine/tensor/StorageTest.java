package ssgan.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.ops.Activations;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.MatMul;
import ssgan.engine.ops.Reductions;

/**
 * Op results borrow their arrays from {@link Storage} and give them back when freed. What must hold:
 * a freed tensor can never be read as if it were still itself (a clear error instead), what the user
 * made and what backward started from stay readable, and a repeated step reuses arrays and computes
 * exactly what it computed with fresh ones.
 */
class StorageTest {
    /** A small two-layer network's loss; {@code hidden} receives the hidden activation. */
    private static Tensor loss(Tensor x, Tensor w1, Tensor w2, Tensor[] hidden) {
        hidden[0] = Activations.relu(MatMul.linear(x, w1, null));
        return Reductions.mean(Activations.tanh(MatMul.linear(hidden[0], w2, null)));
    }

    private static Tensor[] parameters(long seed) {
        Rng rng = new Rng(seed);
        return new Tensor[] {Tensor.randn(rng, 33, 17), Tensor.randn(rng, 16, 17).requiresGrad(true), Tensor.randn(rng, 5, 16).requiresGrad(true)};
    }

    @Test
    void anIntermediateKeptAcrossBackwardIsAClearErrorNotStaleData() {
        Tensor[] p = parameters(1);
        Tensor[] hidden = new Tensor[1];
        Tensor loss = loss(p[0], p[1], p[2], hidden);
        Tensor view = hidden[0].reshape(-1);
        Tensor detached = hidden[0].detach();
        loss.backward();

        assertTrue(hidden[0].isRecycled());
        IllegalStateException e = assertThrows(IllegalStateException.class, hidden[0]::data);
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
        assertThrows(IllegalStateException.class, view::data, "a view of a freed result is freed too");
        assertThrows(IllegalStateException.class, detached::data, "so is a detached alias");
        assertThrows(IllegalStateException.class, () -> hidden[0].get(0, 0));
        assertEquals("Tensor[33, 16] [freed]", hidden[0].toString());

        // What the user made, and the loss, stay readable; the parameters' gradients are whole.
        assertFalse(p[0].isRecycled());
        assertEquals(33 * 17, p[0].data().length);
        assertTrue(Float.isFinite(loss.item()));
        assertNotNull(p[1].gradData());
    }

    @Test
    void theRootOfBackwardKeepsItsValueEvenWithManyElements() {
        Tensor x = Tensor.randn(new Rng(2), 4, 6).requiresGrad(true);
        Tensor y = Activations.tanh(x);
        Tensor z = y.reshape(24);              // backward starts at a view of y
        float[] expected = y.data().clone();
        z.backward(Tensor.ones(24));
        assertArrayEquals(expected, z.data());
        assertArrayEquals(expected, y.data(), "the array the root shares is not given back");
    }

    @Test
    void aRepeatedStepReusesArraysAndComputesTheSameGradients() {
        Tensor[] p = parameters(3);
        float[][] grads = new float[3][];
        long allocatedBefore = 0;
        for (int step = 0; step < 3; step++) {
            p[1].zeroGrad();
            p[2].zeroGrad();
            if (step == 2) allocatedBefore = Storage.stats().allocated();
            loss(p[0], p[1], p[2], new Tensor[1]).backward();
            grads[step] = concat(p[1].gradData(), p[2].gradData());
        }
        assertEquals(allocatedBefore, Storage.stats().allocated(), "the third step found every array in the pool");
        assertArrayEquals(grads[0], grads[1]);
        assertArrayEquals(grads[0], grads[2]);
    }

    @Test
    void aScopeFreesResultsMadeWithoutAGraphAndLeavesTheRestAlone() {
        Tensor x = Tensor.randn(new Rng(4), 8, 8);
        Tensor kept = Activations.relu(x);
        Tensor inside;
        Tensor scalar;
        try (Storage.Scope scope = Storage.scope(); GradMode noGrad = GradMode.noGrad()) {
            inside = Arithmetic.mulScalar(Activations.tanh(x), 2f);
            scalar = Reductions.sum(inside);
            assertEquals(64, inside.data().length);
        }
        assertThrows(IllegalStateException.class, inside::data);
        assertTrue(Float.isFinite(scalar.item()), "one-element results stay readable");
        assertEquals(64, kept.data().length, "made before the scope opened");
        assertEquals(64, x.data().length);
    }

    @Test
    void scopesCloseInnermostFirst() {
        Storage.Scope outer = Storage.scope();
        Storage.Scope inner = Storage.scope();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void backwardThroughAGraphPartlyFreedByAnEarlierBackwardIsRefused() {
        Tensor x = Tensor.randn(new Rng(5), 6, 6).requiresGrad(true);
        Tensor shared = Activations.tanh(x);
        Tensor first = Reductions.sum(Activations.relu(shared));
        Tensor second = Reductions.sum(Arithmetic.mulScalar(shared, 3f));
        first.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, second::backward);
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
    }

    @Test
    void anArrayGivenBackTwiceIsRefused() {
        float[] a = new float[123];
        Storage.give(a);
        assertThrows(IllegalStateException.class, () -> Storage.give(a));
        assertEquals(123, Storage.take(123).length);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
