package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

/** CONTRACT section 4: the limits of one handle or of the whole driver (the twin of {@code mdlb_limits}). */
record Limits(long objects, long lockedBytes, long kernelBufferBytes, long pageBytes, long poolBytes,
              long systemMappingBytes) {

    static final Limits HANDLE = new Limits(LIMIT_HANDLE_OBJECTS, LIMIT_HANDLE_LOCKED_BYTES,
            LIMIT_HANDLE_KERNEL_BUFFER_BYTES, LIMIT_HANDLE_PAGE_ALLOC_BYTES, LIMIT_HANDLE_MDL_POOL_BYTES,
            LIMIT_HANDLE_SYSTEM_MAPPING_BYTES);
    static final Limits DRIVER = new Limits(LIMIT_DRIVER_OBJECTS, LIMIT_DRIVER_LOCKED_BYTES,
            LIMIT_DRIVER_KERNEL_BUFFER_BYTES, LIMIT_DRIVER_PAGE_ALLOC_BYTES, LIMIT_DRIVER_MDL_POOL_BYTES,
            LIMIT_DRIVER_SYSTEM_MAPPING_BYTES);

    private static boolean over(long have, long add, long limit) {
        return add > limit || have > limit - add;
    }

    /** 0 or MDLB_LIMIT_* when adding {@code a} to {@code u} would exceed this limit. */
    int check(ResourceUse u, ResourceUse a) {
        if (over(u.objects, a.objects, objects)) {
            return LIMIT_OBJECTS;
        }
        if (over(u.lockedBytes, a.lockedBytes, lockedBytes)) {
            return LIMIT_LOCKED_BYTES;
        }
        if (over(u.kernelBufferBytes, a.kernelBufferBytes, kernelBufferBytes)) {
            return LIMIT_KERNEL_BUFFER_BYTES;
        }
        if (over(u.pageBytes, a.pageBytes, pageBytes)) {
            return LIMIT_PAGE_ALLOC_BYTES;
        }
        if (over(u.poolBytes, a.poolBytes, poolBytes)) {
            return LIMIT_MDL_POOL_BYTES;
        }
        if (over(u.systemMappingBytes, a.systemMappingBytes, systemMappingBytes)) {
            return LIMIT_SYSTEM_MAPPING_BYTES;
        }
        return 0;
    }
}
