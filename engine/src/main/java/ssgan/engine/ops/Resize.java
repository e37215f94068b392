package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.BilinearResize;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/** Image resizing, forward beside backward. */
public final class Resize {
    private Resize() {}

    /**
     * Bilinear resize of x {@code [N, C, H, W]} to {@code [N, C, outH, outW]}, matching PyTorch's
     * {@code interpolate(mode='bilinear', align_corners=False)} (no antialiasing when shrinking).
     * The backward rule spreads each output gradient over the four input pixels it was mixed from.
     */
    public static Tensor bilinear(Tensor x, int outH, int outW) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("bilinear: input must be 4-D [N, C, H, W], got " + Shape.str(x.shape()));
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("bilinear: output size must be positive, got " + outH + "x" + outW + " for input " + Shape.str(x.shape()));
        }
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("bilinear: empty input planes " + Shape.str(x.shape()));
        }
        DeviceOps device = Devices.opsFor("bilinear", x);
        if (device != null) return device.bilinear(x, outH, outW);
        int planes = n * c;
        float[] y = Storage.take(planes * outH * outW);
        BilinearResize.forward(x.data(), planes, h, w, outH, outW, y);
        return Tensor.fromOp("bilinear", y, new int[] {n, c, outH, outW},
                dy -> BilinearResize.backward(dy, planes, h, w, outH, outW, x.gradBuffer()), x);
    }
}
