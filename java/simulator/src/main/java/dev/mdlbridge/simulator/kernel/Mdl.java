package dev.mdlbridge.simulator.kernel;

/**
 * A simulated MDL as the driver reads it: the x64 {@code struct _MDL} (48-byte header) and its PFN array.
 * Getters return exactly what the memory holds, including Windows' undefined values (poison); knowing which
 * fields are valid is the reader's job (CONTRACT.md section 6), as it is for the real driver.
 */
public interface Mdl {

    /** The kernel address of the MDL itself. */
    long address();

    /** {@code Next}: the address of the next MDL in a chain, 0 for none. */
    long next();

    /** The MDL {@code next()} points to, or null (for walking a chain as a driver does). */
    Mdl nextMdl();

    /** {@code Size}, the CSHORT, as an unsigned 16-bit value. */
    int size();

    /** {@code MdlFlags}, as an unsigned 16-bit value. */
    int flags();

    /** {@code Next} is driver-writable: a driver detaching an MDL from an IRP's chain writes it. */
    void setNext(Mdl next);

    /** {@code MdlFlags} is driver-writable (the only field besides {@code Next}). */
    void setFlags(int flags);

    int allocationProcessorNumber();

    long process();

    long mappedSystemVa();

    long startVa();

    int byteCount();

    int byteOffset();

    /** {@code MmGetMdlVirtualAddress}: {@code StartVa + ByteOffset}. */
    default long virtualAddress() {
        return startVa() + byteOffset();
    }

    /** PFN slots allocated with the MDL (what the PFN array can hold), never derived from {@code Size}. */
    int pfnCapacity();

    /** {@code MmGetMdlPfnArray(mdl)[index]}, 0 &lt;= index &lt; pfnCapacity(). */
    long pfn(int index);

    /** Copies {@code count} PFNs starting at {@code start} into {@code target[offset..]}. */
    void copyPfns(int start, long[] target, int offset, int count);
}
