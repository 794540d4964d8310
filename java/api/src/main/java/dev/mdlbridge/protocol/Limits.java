package dev.mdlbridge.protocol;

/**
 * MDLB_LIMITS: one set of limits, of a handle or of the whole driver; a request past one fails with
 * STATUS_QUOTA_EXCEEDED.
 *
 * @param maxObjects             outstanding objects (MDLs, mappings, kernel buffers)
 * @param maxLockedBytes         bytes locked by probes
 * @param maxKernelBufferBytes   bytes of nonpaged-pool kernel buffers
 * @param maxPageAllocationBytes bytes allocated with {@code MmAllocatePagesForMdlEx}
 * @param maxMdlPoolBytes        pool bytes for MDLs and the driver's own records
 */
public record Limits(long maxObjects, long maxLockedBytes, long maxKernelBufferBytes, long maxPageAllocationBytes,
                     long maxMdlPoolBytes) {
}
