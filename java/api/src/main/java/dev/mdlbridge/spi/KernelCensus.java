package dev.mdlbridge.spi;

/**
 * A read-only count of what a simulated machine's kernel holds right now ({@link SimulatorControl#census()}), for
 * checks that a request changed nothing (a refusal) or that a release left nothing behind.
 *
 * @param poolBlocks         live nonpaged-pool blocks (kernel buffers; MDL storage is not counted here)
 * @param poolBytes          their bytes
 * @param systemPtesInUse    system PTEs held by kernel-mode mappings
 * @param systemMappings     live kernel-mode mappings
 * @param framesInUse        physical frames in use (pool, user pages, page allocations)
 * @param lockedFrames       frames with a lock count above zero
 * @param pageLocks          the sum of every frame's lock count (what all locked MDLs hold together)
 * @param processLockedPages {@code NumberOfLockedPages} of the current process
 * @param digest             a hash over the pool layout, mapping bases and protections and every process's
 *                           locked pages: equal digests mean those did not change
 */
public record KernelCensus(long poolBlocks, long poolBytes, long systemPtesInUse, long systemMappings,
                           long framesInUse, long lockedFrames, long pageLocks, long processLockedPages,
                           long digest) {
}
