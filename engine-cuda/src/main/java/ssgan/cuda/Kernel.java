package ssgan.cuda;

/**
 * Every kernel the Java side launches: its {@code .entry} name and the module (the .cu file under
 * src/main/cuda, compiled to ssgan/cuda/MODULE.ptx) that defines it. {@link Kernels} loads them all when a
 * device opens, so a missing one fails at once rather than mid-training; PtxTest checks each name
 * against the committed PTX, and that no kernel of the PTX is missing here.
 */
enum Kernel {
    FILL("elementwise", "fill"),
    SCALE("elementwise", "scale"),
    ADD_SCALAR("elementwise", "add_scalar"),
    AXPY("elementwise", "axpy"),
    LERP("elementwise", "lerp"),
    BINARY("elementwise", "binary"),
    UNARY("elementwise", "unary"),
    UNARY_BACKWARD("elementwise", "unary_backward"),
    COPY_RUNS("elementwise", "copy_runs"),
    GATHER_ROWS("elementwise", "gather_rows"),
    SHIFT_IMAGES("elementwise", "shift_images"),
    WARP_IMAGES("elementwise", "warp_images"),
    BROADCAST_BINARY("broadcast", "broadcast_binary"),
    SUM_TO_SHAPE("broadcast", "sum_to_shape"),
    SUM_BLOCKS("reduce", "sum_blocks"),
    SGEMM("gemm", "sgemm"),
    LINEAR_FORWARD("gemm", "linear_forward"),
    ADD_COLUMN_SUMS("gemm", "add_column_sums"),
    IM2COL("convolution", "im2col"),
    COL2IM("convolution", "col2im"),
    SWAP_LEADING("convolution", "swap_leading"),
    BILINEAR("resize", "bilinear"),
    BILINEAR_BACKWARD("resize", "bilinear_backward"),
    CHANNEL_MOMENTS("normalization", "channel_moments"),
    BATCH_NORM_COEFFICIENTS("normalization", "batch_norm_coefficients"),
    UPDATE_RUNNING_STATS("normalization", "update_running_stats"),
    CHANNEL_AFFINE("normalization", "channel_affine"),
    CHANNEL_GRADIENT_SUMS("normalization", "channel_gradient_sums"),
    BATCH_NORM_GRADIENT_COEFFICIENTS("normalization", "batch_norm_gradient_coefficients"),
    CHANNEL_COMBINE("normalization", "channel_combine"),
    ROW_NORMS("normalization", "row_norms"),
    ROW_NORMS_BACKWARD("normalization", "row_norms_backward"),
    LOG_SUM_EXP("along_dim", "log_sum_exp"),
    SOFTMAX("along_dim", "softmax"),
    SOFTMAX_BACKWARD("along_dim", "softmax_backward"),
    ARGMAX("along_dim", "argmax"),
    CROSS_ENTROPY("along_dim", "cross_entropy"),
    CROSS_ENTROPY_BACKWARD("along_dim", "cross_entropy_backward"),
    GAUSSIAN("random", "gaussian"),
    ADAM("adam", "adam");

    final String module;
    final String entry;

    Kernel(String module, String entry) {
        this.module = module;
        this.entry = entry;
    }
}
