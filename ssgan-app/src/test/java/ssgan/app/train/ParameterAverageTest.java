package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Tensor;

class ParameterAverageTest {
    @Test
    void startsAsThePlainMeanOfEveryPointThenForgetsAtItsRate() {
        Tensor p = Tensor.wrap(new float[] {0f, 10f}, 2);
        float rate = 0.1f;
        ParameterAverage avg = new ParameterAverage(Map.of("p", p), rate);
        double[] sum = {0, 10};  // the starting point counts
        double[] ema = new double[2];
        for (int n = 1; n <= 40; n++) {
            p.data()[0] = n;
            p.data()[1] = 10 - 3 * n;
            avg.update(n);
            float[] a = avg.averages().get("p").data();
            if (n < 1 / rate) {
                sum[0] += n;
                sum[1] += 10 - 3 * n;
                assertEquals(sum[0] / (n + 1), a[0], 1e-4, "mean of the first " + (n + 1) + " points");
                assertEquals(sum[1] / (n + 1), a[1], 1e-4);
                ema[0] = a[0];
                ema[1] = a[1];
            } else {
                ema[0] += rate * (n - ema[0]);
                ema[1] += rate * (10 - 3 * n - ema[1]);
                assertEquals(ema[0], a[0], 1e-3, "the plain moving average from then on, update " + n);
                assertEquals(ema[1], a[1], 1e-3);
            }
        }
    }
}
