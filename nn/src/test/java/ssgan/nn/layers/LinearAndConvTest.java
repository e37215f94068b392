package ssgan.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.MatMul;
import ssgan.engine.ops.Padding;
import ssgan.engine.ops.Shapes;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.Approx;
import ssgan.engine.testing.GradCheck;

class LinearAndConvTest {
    @Test
    void linearIsMatmulWithTransposedWeightPlusBias() {
        Rng rng = new Rng(1);
        Linear layer = new Linear(7, 5, rng);
        assertEquals(List.of("weight", "bias"), List.copyOf(layer.namedParameters().keySet()));
        assertArrayEquals(new int[] {5, 7}, layer.weight().shape());
        Tensor x = Tensor.randn(rng, 3, 7);
        Tensor expected = Arithmetic.add(MatMul.matmul(x, Shapes.transpose(layer.weight(), 0, 1)), layer.bias());
        Approx.assertClose("linear", expected.data(), layer.forward(x).data(), 1e-5, 1e-6);

        Linear noBias = new Linear(7, 5, false, rng);
        assertNull(noBias.bias());
        assertEquals(List.of("weight"), List.copyOf(noBias.namedParameters().keySet()));
    }

    @Test
    void linearUsesPyTorchDefaultInitialisationBounds() {
        Linear layer = new Linear(400, 300, new Rng(2));
        float bound = (float) (1 / Math.sqrt(400));
        for (float w : layer.weight().data()) assertTrue(Math.abs(w) <= bound);
        for (float b : layer.bias().data()) assertTrue(Math.abs(b) <= bound);
    }

    @Test
    void linearGradientsFlowToWeightBiasAndInput() {
        Rng rng = new Rng(3);
        Linear layer = new Linear(4, 3, rng);
        Tensor x = Tensor.randn(rng, 2, 4).requiresGrad(true);
        GradCheck.standard().check("Linear", in -> layer.forward(in[0]), x, layer.weight(), layer.bias());
    }

    /** Direct double-precision convolution of one small case, written independently of the engine. */
    private static double[] naiveConv(Tensor x, Tensor w, Tensor b, int stride, int pad) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0), k = w.size(2);
        int oh = (h + 2 * pad - k) / stride + 1, ow = (wd + 2 * pad - k) / stride + 1;
        double[] y = new double[n * o * oh * ow];
        for (int i = 0; i < n; i++)
            for (int oc = 0; oc < o; oc++)
                for (int r = 0; r < oh; r++)
                    for (int col = 0; col < ow; col++) {
                        double s = b.data()[oc];
                        for (int ic = 0; ic < c; ic++)
                            for (int kr = 0; kr < k; kr++)
                                for (int kc = 0; kc < k; kc++) {
                                    int yy = r * stride - pad + kr, xx = col * stride - pad + kc;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < wd) s += (double) x.get(i, ic, yy, xx) * w.get(oc, ic, kr, kc);
                                }
                        y[((i * o + oc) * oh + r) * ow + col] = s;
                    }
        return y;
    }

    @Test
    void conv2dHoldsPyTorchLayoutAndMatchesADirectConvolution() {
        Rng rng = new Rng(4);
        Conv2d conv = new Conv2d(3, 4, 3, Conv2dSpec.of(2, Padding.of(1)), true, rng);
        assertArrayEquals(new int[] {4, 3, 3, 3}, conv.weight().shape());
        assertArrayEquals(new int[] {4}, conv.bias().shape());
        float bound = (float) (1 / Math.sqrt(3 * 9));
        for (float w : conv.weight().data()) assertTrue(Math.abs(w) <= bound);
        Tensor x = Tensor.randn(rng, 2, 3, 7, 6);
        Tensor y = conv.forward(x);
        assertArrayEquals(new int[] {2, 4, 4, 3}, y.shape());
        Approx.assertClose("conv2d", naiveConv(x, conv.weight(), conv.bias(), 2, 1), y.data(), 1e-5, 1e-5);
        assertArrayEquals(Convolution.conv2d(x, conv.weight(), conv.bias(), conv.spec()).data(), y.data());
    }

    @Test
    void convTranspose2dDoublesSizeWithSameAndUsesInOutLayout() {
        Rng rng = new Rng(5);
        ConvTranspose2d deconv = new ConvTranspose2d(6, 2, 5, ConvTranspose2dSpec.same(2), true, rng);
        assertArrayEquals(new int[] {6, 2, 5, 5}, deconv.weight().shape(), "PyTorch's [in, out, k, k]");
        float bound = (float) (1 / Math.sqrt(2 * 25)); // PyTorch's fan in for a transposed conv weight is dim 1 · k·k
        for (float w : deconv.weight().data()) assertTrue(Math.abs(w) <= bound);
        assertTrue(Math.abs(deconv.weight().data()[0]) > 0);
        Tensor x = Tensor.randn(rng, 2, 6, 4, 4);
        Tensor y = deconv.forward(x);
        assertArrayEquals(new int[] {2, 2, 8, 8}, y.shape());
        assertArrayEquals(Convolution.convTranspose2d(x, deconv.weight(), deconv.bias(), ConvTranspose2dSpec.same(2)).data(), y.data());
    }

    @Test
    void convRejectsWrongChannelCountWithAClearMessage() {
        Conv2d conv = new Conv2d(3, 4, 3, Conv2dSpec.same(1), false, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 2, 5, 5)));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
    }
}
