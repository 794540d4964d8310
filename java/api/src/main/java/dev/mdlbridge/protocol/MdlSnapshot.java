package dev.mdlbridge.protocol;

/**
 * One MDLB_SNAPSHOT as it came over the wire: the MDL's header fields, validity and a window of its PFN array.
 * Addresses are unsigned 64-bit values held in a long (kernel addresses are negative).
 *
 * @param role                      why the snapshot was taken: one of {@code Protocol.ROLE_*}
 * @param objectId                  the MDL's id in the handle's table; 0 for MDLs outside it (I/O manager, chains)
 * @param valid                     which undefined-able fields hold real values: {@code Protocol.VALID_*} bits
 * @param kind                      which DDIs made the MDL: one of {@code Protocol.KIND_*}
 * @param mdlAddress                where the MDL structure itself lives (what {@code dt nt!_MDL} is given)
 * @param next                      {@code Next}: the following MDL of a chain, or 0
 * @param process                   {@code Process}: the EPROCESS whose pages a probe locked; 0 when not valid
 * @param mappedSystemVa            {@code MappedSystemVa}: the kernel mapping; 0 when not valid
 * @param startVa                   {@code StartVa}: the page-aligned start of the described range
 * @param virtualAddress            {@code MmGetMdlVirtualAddress}: {@code StartVa + ByteOffset}
 * @param size                      {@code Size}: bytes of the MDL and its PFN array (a CSHORT, read unsigned)
 * @param mdlFlags                  {@code MdlFlags}: the {@link MdlFlags} bits
 * @param allocationProcessorNumber {@code AllocationProcessorNumber}: the processor whose lookaside gave the MDL
 * @param byteCount                 {@code MmGetMdlByteCount}: bytes described
 * @param byteOffset                {@code MmGetMdlByteOffset}: offset of the first byte in its page
 * @param pfnCount                  pages spanned: {@code ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, ByteCount)}
 * @param pfnCapacity               PFN slots recorded when the MDL was allocated (never derived from {@code Size})
 * @param pfnStart                  index in the PFN array of {@code pfns[0]}
 * @param pfns                      the page frame numbers carried, from {@code pfnStart}; empty when not valid
 */
public record MdlSnapshot(int role, int objectId, int valid, int kind, long mdlAddress, long next, long process,
                           long mappedSystemVa, long startVa, long virtualAddress, int size, int mdlFlags,
                           int allocationProcessorNumber, long byteCount, long byteOffset, int pfnCount,
                           int pfnCapacity, int pfnStart, long[] pfns) {

    /**
     * Whether Windows defines {@code Process} at this point.
     *
     * @return true when {@link Protocol#VALID_PROCESS} is set
     */
    public boolean processValid() {
        return (valid & Protocol.VALID_PROCESS) != 0;
    }

    /**
     * Whether Windows defines {@code MappedSystemVa} at this point.
     *
     * @return true when {@link Protocol#VALID_MAPPED_SYSTEM_VA} is set
     */
    public boolean mappedSystemVaValid() {
        return (valid & Protocol.VALID_MAPPED_SYSTEM_VA) != 0;
    }

    /**
     * Whether the PFN array holds real page frame numbers (pages locked, built or allocated).
     *
     * @return true when {@link Protocol#VALID_PFNS} is set
     */
    public boolean pfnsValid() {
        return (valid & Protocol.VALID_PFNS) != 0;
    }

    /**
     * Whether every PFN the MDL spans is present in {@link #pfns()}.
     *
     * @return true when the window starts at 0 and holds all {@link #pfnCount()} PFNs
     */
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

    /**
     * The same snapshot with a full PFN array.
     *
     * @param allPfns every PFN the MDL spans, from index 0 (read with QUERY)
     * @return a copy with {@code pfnStart} 0 and these PFNs
     */
    public MdlSnapshot withPfns(long[] allPfns) {
        return new MdlSnapshot(role, objectId, valid, kind, mdlAddress, next, process, mappedSystemVa, startVa,
                virtualAddress, size, mdlFlags, allocationProcessorNumber, byteCount, byteOffset, pfnCount,
                pfnCapacity, 0, allPfns);
    }
}
