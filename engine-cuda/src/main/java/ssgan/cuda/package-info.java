/**
 * A GPU backend for the engine, through the CUDA driver API (JCuda). The kernels are CUDA C in
 * src/main/cuda, committed as PTX (scripts/regenerate-ptx.sh), which the driver compiles for the GPU at
 * hand: neither building nor running needs the CUDA toolkit, only the NVIDIA driver.
 *
 * <p>Codemap, from the engine's side down:
 * <ul>
 *   <li>{@link ssgan.cuda.Cuda}: opens GPU n, or says in one line why it cannot; {@link ssgan.cuda.CudaDeviceProvider}
 *       makes it {@code Devices.open("cuda")};</li>
 *   <li>{@link ssgan.cuda.CudaDevice}: the engine {@code Device}, with its memory ({@link ssgan.cuda.CudaArray}, recycled
 *       through free lists) and its ops;</li>
 *   <li>{@link ssgan.cuda.CudaOps}: each op's forward launch and backward rule, mirroring the cpu ops;</li>
 *   <li>{@link ssgan.cuda.CudaKernels}: each kernel's arguments and grid; {@link ssgan.cuda.MultiTensorAdam}: the
 *       optimiser's one launch per step; {@code BroadcastDims}: shapes in the broadcast kernels' terms;</li>
 *   <li>{@code Kernel} (every kernel launched, in one list) and {@code Kernels} (loads the PTX);</li>
 *   <li>{@link ssgan.cuda.CudaApi}: the driver calls used, in plain Java types; {@code JCudaApi} implements
 *       them with JCuda, the only class that touches it.</li>
 * </ul>
 *
 * <p>Invariants: everything runs on one stream, in launch order, so an array may be released (and reused)
 * right after the launches that read it; sums are deterministic (fixed grids, tree reductions, no
 * floating-point atomics), so a run on one GPU repeats to the bit.
 */
package ssgan.cuda;
