package dev.mdlbridge.protocol;

/** MDLB_USE. */
public record Use(Counters counters, long objects, long lockedBytes, long kernelBufferBytes,
                  long pageAllocationBytes, long mdlPoolBytes) {
}
