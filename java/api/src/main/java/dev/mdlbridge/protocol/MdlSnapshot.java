package dev.mdlbridge.protocol;

/**
 * One MDLB_SNAPSHOT as it came over the wire: the MDL's header fields, validity and a window of its PFN array.
 * Addresses are unsigned 64-bit values held in a long (kernel addresses are negative).
 */
public record MdlSnapshot(int role, int objectId, int valid, int kind, long mdlAddress, long next, long process,
                           long mappedSystemVa, long startVa, long virtualAddress, int size, int mdlFlags,
                           int allocationProcessorNumber, long byteCount, long byteOffset, int pfnCount,
                           int pfnCapacity, int pfnStart, long[] pfns) {

    public boolean processValid() {
        return (valid & Protocol.VALID_PROCESS) != 0;
    }

    public boolean mappedSystemVaValid() {
        return (valid & Protocol.VALID_MAPPED_SYSTEM_VA) != 0;
    }

    public boolean pfnsValid() {
        return (valid & Protocol.VALID_PFNS) != 0;
    }

    /** Whether every PFN the MDL spans is present in {@link #pfns()}. */
    public boolean pfnsComplete() {
        return pfnStart == 0 && pfns.length == pfnCount;
    }

    /**
     * The snapshot as {@code mdl} prints it ({@link SnapshotFormat#toString(MdlSnapshot)}): kind, id, address,
     * flags by name, sizes in hex, {@code <undefined>} for fields Windows leaves undefined, the first PFNs.
     *
     * @return one line of text
     */
    @Override
    public String toString() {
        return SnapshotFormat.toString(this);
    }

    /** The same snapshot with a full PFN array. */
    public MdlSnapshot withPfns(long[] allPfns) {
        return new MdlSnapshot(role, objectId, valid, kind, mdlAddress, next, process, mappedSystemVa, startVa,
                virtualAddress, size, mdlFlags, allocationProcessorNumber, byteCount, byteOffset, pfnCount,
                pfnCapacity, 0, allPfns);
    }
}
