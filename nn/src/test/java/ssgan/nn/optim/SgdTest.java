package ssgan.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Tensor;

class SgdTest {
    /** One parameter [1, -2]; gradients g_t = [t, 1] at step t = 1, 2, 3. */
    private static float[] run(Sgd.Options o, int steps) {
        Tensor p = Tensor.of(new float[] {1, -2}, 2).requiresGrad(true);
        Sgd sgd = new Sgd(Map.of("p", p), o);
        for (int t = 1; t <= steps; t++) {
            p.gradBuffer()[0] = t;
            p.gradBuffer()[1] = 1;
            sgd.step();
        }
        return p.data();
    }

    @Test
    void plainSgdSubtractsLrTimesGradient() {
        // p0: 1 − 0.1·(1 + 2 + 3) = 0.4; p1: −2 − 0.1·3 = −2.3
        assertArrayEquals(new float[] {0.4f, -2.3f}, run(Sgd.Options.plain(0.1f), 3), 1e-6f);
    }

    @Test
    void heavyBallMomentumByHand() {
        // μ = 0.9. b1 = g1 = [1,1]; b2 = 0.9·b1 + g2 = [2.9, 1.9]; b3 = 0.9·b2 + g3 = [5.61, 2.71].
        // p = p0 − 0.1·(b1 + b2 + b3) = [1 − 0.951, −2 − 0.561]
        assertArrayEquals(new float[] {0.049f, -2.561f}, run(Sgd.Options.plain(0.1f).withMomentum(0.9f), 3), 1e-5f);
    }

    @Test
    void nesterovMomentumByHand() {
        // steps use g + μ·b: [1,1]+0.9·[1,1] = [1.9,1.9]; [2,1]+0.9·[2.9,1.9] = [4.61, 2.71]
        // p = [1 − 0.1·6.51, −2 − 0.1·4.61]
        assertArrayEquals(new float[] {0.349f, -2.461f}, run(Sgd.Options.plain(0.1f).withNesterov(0.9f), 2), 1e-5f);
    }

    @Test
    void weightDecayAndDampeningByHand() {
        // wd = 0.5, μ = 0.5, dampening 0.5, lr 0.1
        // step 1: g = [1,1] + 0.5·[1,−2] = [1.5, 0]; b = g; p = [0.85, −2]
        // step 2: g = [2,1] + 0.5·[0.85, −2] = [2.425, 0]; b = 0.5·[1.5,0] + 0.5·g = [1.9625, 0]; p = [0.85 − 0.19625, −2]
        assertArrayEquals(new float[] {0.65375f, -2f},
                run(Sgd.Options.plain(0.1f).withMomentum(0.5f).withDampening(0.5f).withWeightDecay(0.5f), 2), 1e-6f);
    }

    @Test
    void nesterovNeedsMomentum() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd.Options(0.1f, 0f, 0f, 0f, true));
    }

    @Test
    void stateRoundTripContinuesExactly() {
        Sgd.Options o = Sgd.Options.plain(0.05f).withNesterov(0.8f).withWeightDecay(0.01f);
        float[] straight = run(o, 4);

        Tensor p = Tensor.of(new float[] {1, -2}, 2).requiresGrad(true);
        Sgd first = new Sgd(Map.of("p", p), o);
        for (int t = 1; t <= 2; t++) {
            p.gradBuffer()[0] = t;
            p.gradBuffer()[1] = 1;
            first.step();
        }
        LinkedHashMap<String, Tensor> saved = new LinkedHashMap<>();
        first.state().forEach((k, v) -> saved.put(k, v.copy()));
        Tensor q = p.copy().requiresGrad(true);
        Sgd resumed = new Sgd(Map.of("p", q), o);
        resumed.loadState(saved);
        for (int t = 3; t <= 4; t++) {
            q.gradBuffer()[0] = t;
            q.gradBuffer()[1] = 1;
            resumed.step();
        }
        assertArrayEquals(straight, q.data());
    }
}
