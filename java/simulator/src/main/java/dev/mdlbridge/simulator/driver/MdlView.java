package dev.mdlbridge.simulator.driver;

/**
 * An MDL as the driver read it, with what is defined at this point (CONTRACT section 6): the twin of
 * {@code mdlb_mdl_view}. Fields that are not valid hold 0 here, never what the kernel left in memory.
 *
 * @param pfns where PFNs are read from (index 0 = the MDL's first PFN), or null; only indexes below
 *             min(spanned, pfnCapacity) are ever read
 */
record MdlView(long mdlAddress, long next, long process, long mappedSystemVa, long startVa, int size, int flags,
               int allocationProcessorNumber, long byteCount, long byteOffset, int valid, int kind, long pfnCapacity,
               PfnSource pfns) {

    /** Copies {@code count} PFNs from index {@code start} into {@code target[0..]}. */
    @FunctionalInterface
    interface PfnSource {
        void copy(int start, long[] target, int count);

        static PfnSource of(long[] array) {
            return (start, target, count) -> System.arraycopy(array, start, target, 0, count);
        }
    }

    long virtualAddress() {
        return startVa + byteOffset;
    }

    long spanned() {
        return ProtocolRules.spanPages(virtualAddress(), byteCount);
    }
}
