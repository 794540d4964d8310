package dev.mdlbridge.protocol;

/**
 * MDLB_USE: what a handle, a process or the driver holds now, measured against each limit of {@link Limits}.
 *
 * @param counters            outstanding MDLs, mappings, kernel buffers and locked pages
 * @param objects             objects charged against {@code maxObjects}
 * @param lockedBytes         bytes locked by probes
 * @param kernelBufferBytes   bytes of nonpaged-pool kernel buffers
 * @param pageAllocationBytes bytes allocated with {@code MmAllocatePagesForMdlEx}
 * @param mdlPoolBytes        pool bytes for MDLs and the driver's own records
 */
public record Use(Counters counters, long objects, long lockedBytes, long kernelBufferBytes,
                  long pageAllocationBytes, long mdlPoolBytes) {
}
