package ssgan.cuda;

/**
 * Every kernel the Java side launches: its {@code .entry} name and the module (the .cu file under
 * src/main/cuda, compiled to ssgan/cuda/MODULE.ptx) that defines it. {@link Kernels} loads them all when a
 * device opens, so a missing one fails at once rather than mid-training; KernelNamesTest checks each name
 * against the committed PTX.
 */
enum Kernel {
    FILL("elementwise", "fill"),
    SCALE("elementwise", "scale"),
    ADD_SCALAR("elementwise", "add_scalar"),
    AXPY("elementwise", "axpy"),
    BINARY("elementwise", "binary"),
    BROADCAST_BINARY("broadcast", "broadcast_binary"),
    SUM_TO_SHAPE("broadcast", "sum_to_shape"),
    SUM_BLOCKS("reduce", "sum_blocks"),
    SGEMM("gemm", "sgemm"),
    ADD_BIAS_ROWS("gemm", "add_bias_rows"),
    ADD_COLUMN_SUMS("gemm", "add_column_sums"),
    GAUSSIAN("random", "gaussian"),
    ADAM("adam", "adam");

    final String module;
    final String entry;

    Kernel(String module, String entry) {
        this.module = module;
        this.entry = entry;
    }
}
