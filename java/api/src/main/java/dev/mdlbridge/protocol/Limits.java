package dev.mdlbridge.protocol;

/** MDLB_LIMITS. */
public record Limits(long maxObjects, long maxLockedBytes, long maxKernelBufferBytes, long maxPageAllocationBytes,
                     long maxMdlPoolBytes) {
}
