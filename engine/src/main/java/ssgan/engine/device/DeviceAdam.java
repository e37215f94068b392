package ssgan.engine.device;

import java.util.List;

/**
 * Adam's update of parameters that live on a device, in place: nn's {@code Adam} keeps one per optimiser
 * (so a backend may keep what it set up for that optimiser's tensors between steps) and hands it the
 * arrays; the arithmetic is nn's {@code AdamKernel}, element for element.
 */
public interface DeviceAdam {
    /** One step's constants, field for field nn's {@code AdamKernel.Coefficients}. */
    record Coefficients(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float l2, float decay,
                        float stepSize, float invBiasCorrection2, float epsInside, float epsOutside) {}

    /**
     * Updates every {@code params[i]} with its gradient {@code grads[i]} and its moments {@code expAvgs[i]}
     * and {@code expAvgSqs[i]}: parallel lists, each tensor's four arrays of one length.
     */
    void step(List<? extends DeviceArray> params, List<? extends DeviceArray> grads, List<? extends DeviceArray> expAvgs,
              List<? extends DeviceArray> expAvgSqs, Coefficients coefficients);
}
