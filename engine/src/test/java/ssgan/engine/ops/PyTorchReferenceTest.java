package ssgan.engine.ops;

import org.junit.jupiter.api.Test;
import ssgan.engine.testing.Approx;
import ssgan.engine.tensor.Tensor;

/** The ops against values PyTorch 1.13 computed for the same inputs (see make_reference.py). */
class PyTorchReferenceTest {
    private static final double RTOL = 1e-4, ATOL = 1e-4;

    @Test
    void conv2dSame() {
        ReferenceData ref = ReferenceData.load("conv2d_same");
        checkConv(ref, in -> Convolution.conv2d(in[0], in[1], in[2], Conv2dSpec.same(2)), true);
    }

    @Test
    void conv2dValid() {
        ReferenceData ref = ReferenceData.load("conv2d_valid");
        checkConv(ref, in -> Convolution.conv2d(in[0], in[1], null, Conv2dSpec.valid(1)), false);
    }

    @Test
    void convTranspose2dTensorFlowSame() {
        ReferenceData ref = ReferenceData.load("conv_transpose2d_same");
        checkConv(ref, in -> Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.same(2)), true);
    }

    @Test
    void convTranspose2dOutputPadding() {
        ReferenceData ref = ReferenceData.load("conv_transpose2d_output_padding");
        checkConv(ref, in -> Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.of(2, 1, 1)), true);
    }

    private static void checkConv(ReferenceData ref, java.util.function.Function<Tensor[], Tensor> op, boolean hasBias) {
        Tensor x = ref.get("x").requiresGrad(true), w = ref.get("w").requiresGrad(true);
        Tensor b = hasBias ? ref.get("b").requiresGrad(true) : null;
        Tensor y = op.apply(new Tensor[] {x, w, b});
        Approx.assertShape(ref.get("y").shape(), y.shape());
        Approx.assertClose("y", ref.data("y"), y.data(), RTOL, ATOL);
        y.backward(ref.get("dy"));
        Approx.assertClose("dx", ref.data("dx"), x.gradData(), RTOL, ATOL);
        Approx.assertClose("dw", ref.data("dw"), w.gradData(), RTOL, ATOL);
        if (hasBias) Approx.assertClose("db", ref.data("db"), b.gradData(), RTOL, ATOL);
    }

    @Test
    void batchNormImages() {
        checkBatchNorm(ReferenceData.load("batch_norm_2d"));
    }

    @Test
    void batchNormFeatures() {
        checkBatchNorm(ReferenceData.load("batch_norm_1d"));
    }

    private static void checkBatchNorm(ReferenceData ref) {
        Tensor gamma = ref.get("gamma").requiresGrad(true), beta = ref.get("beta").requiresGrad(true);
        int c = gamma.numel();
        float[] runningMean = new float[c], runningVar = new float[c];
        java.util.Arrays.fill(runningVar, 1f);
        Tensor x = null, y = null;
        for (int step = 0; step < 3; step++) {
            x = ref.get("x" + step).requiresGrad(true);
            y = Normalization.batchNorm(x, gamma, beta, runningMean, runningVar, true, 0.1f, 1e-5f);
            Approx.assertClose("train y" + step, ref.data("y" + step), y.data(), RTOL, ATOL);
        }
        y.backward(ref.get("dy"));
        Approx.assertClose("dx", ref.data("dx"), x.gradData(), 1e-3, 1e-4);
        Approx.assertClose("dgamma", ref.data("dgamma"), gamma.gradData(), 1e-3, 1e-4);
        Approx.assertClose("dbeta", ref.data("dbeta"), beta.gradData(), 1e-4, 1e-4);
        Approx.assertClose("running mean", ref.data("running_mean"), runningMean, 1e-5, 1e-5);
        Approx.assertClose("running var", ref.data("running_var"), runningVar, 1e-5, 1e-5);

        gamma.clearGrad();
        beta.clearGrad();
        Tensor xEval = ref.get("x_eval").requiresGrad(true);
        Tensor yEval = Normalization.batchNorm(xEval, gamma, beta, runningMean, runningVar, false, 0.1f, 1e-5f);
        Approx.assertClose("eval y", ref.data("y_eval"), yEval.data(), RTOL, ATOL);
        yEval.backward(ref.get("dy_eval"));
        Approx.assertClose("eval dx", ref.data("dx_eval"), xEval.gradData(), RTOL, ATOL);
        Approx.assertClose("eval dgamma", ref.data("dgamma_eval"), gamma.gradData(), 1e-3, 1e-4);
        Approx.assertClose("eval dbeta", ref.data("dbeta_eval"), beta.gradData(), 1e-4, 1e-4);
    }

    @Test
    void bilinearDown() {
        checkBilinear(ReferenceData.load("bilinear_down"), 28, 28);
    }

    @Test
    void bilinearUp() {
        checkBilinear(ReferenceData.load("bilinear_up"), 9, 12);
    }

    private static void checkBilinear(ReferenceData ref, int oh, int ow) {
        Tensor x = ref.get("x").requiresGrad(true);
        Tensor y = Resize.bilinear(x, oh, ow);
        Approx.assertClose("y", ref.data("y"), y.data(), 1e-5, 1e-5);
        y.backward(ref.get("dy"));
        Approx.assertClose("dx", ref.data("dx"), x.gradData(), 1e-5, 1e-5);
    }
}
