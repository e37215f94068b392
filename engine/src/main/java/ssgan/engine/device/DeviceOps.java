package ssgan.engine.device;

import ssgan.engine.tensor.Tensor;

/**
 * The ops a device runs itself, each with the same meaning, shapes and errors as its CPU namesake in
 * {@code ssgan.engine.ops} (which checks its arguments and then dispatches here), and each recording its
 * own backward rule ({@code Tensor.fromDeviceOp}). A backend implements what it has kernels for; an op it
 * lacks fails with one line naming the op and the device.
 */
public interface DeviceOps {
    /** The device these ops run on (for messages). */
    Device device();

    /** Same-shape or broadcast a + b (see {@code Arithmetic.add}). */
    default Tensor add(Tensor a, Tensor b) {
        throw missing("add");
    }

    default Tensor sub(Tensor a, Tensor b) {
        throw missing("sub");
    }

    default Tensor mul(Tensor a, Tensor b) {
        throw missing("mul");
    }

    default Tensor div(Tensor a, Tensor b) {
        throw missing("div");
    }

    /** a · s, under the given op name (mulScalar, neg). */
    default Tensor scale(String op, Tensor a, float s) {
        throw missing(op);
    }

    default Tensor addScalar(Tensor a, float s) {
        throw missing("addScalar");
    }

    /** [m, k] · [k, n] (see {@code MatMul.matmul}). */
    default Tensor matmul(Tensor a, Tensor b) {
        throw missing("matmul");
    }

    /** x · weightᵀ + bias, bias may be null (see {@code MatMul.linear}). */
    default Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        throw missing("linear");
    }

    /** The sum of all elements, a 0-dimensional tensor. */
    default Tensor sum(Tensor a) {
        throw missing("sum");
    }

    /** The mean of all elements, a 0-dimensional tensor. */
    default Tensor mean(Tensor a) {
        throw missing("mean");
    }

    /** The error for an op this device has no kernel for. */
    default UnsupportedOperationException missing(String op) {
        return new UnsupportedOperationException(op + " has no " + device().name() + " kernel yet; run it on the cpu (Tensor.to(Device.CPU))");
    }
}
