package dev.mdlbridge.simulator.kernel;

/** A simulated x64 MDL: the 48-byte header's fields and its PFN slots. */
public final class KernelMdl implements Mdl {

    /** sizeof(MDL) on x64 (WINDOWS-MDL-RULES.md section 1.2); one 8-byte PFN slot per page follows it. */
    static final int HEADER_BYTES = 48;

    enum Storage { LOOKASIDE, POOL, DRIVER_STORAGE, PAGES }

    final long address;
    final Storage storage;
    KernelMdl next;
    int size;
    int flags;
    long process;
    long mappedSystemVa;
    long startVa;
    int byteCount;
    int byteOffset;
    final long[] pfns;
    boolean freed;
    /** The process whose NumberOfLockedPages a probe charged (for the tracker and the unlock). */
    ProcessImpl charged;
    /** For a page allocation: the CacheType MmAllocatePagesForMdlEx was given (0 MmNonCached, 1 MmCached,
     *  2 MmWriteCombined; above 2 "no type yet"), the memory type of its pages (section 14.1). */
    int allocationCacheType = 1;
    /** For a partial: the source it was built from (MmPrepareMdlForReuse's unmap needs nothing else). */
    KernelMdl source;

    KernelMdl(long address, Storage storage, int capacity) {
        this.address = address;
        this.storage = storage;
        this.pfns = new long[capacity];
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public long next() {
        return next == null ? 0 : next.address;
    }

    @Override
    public Mdl nextMdl() {
        return next;
    }

    /** {@code Mdl->Next} is driver-writable, as on Windows: detaching an MDL from a chain writes it. */
    @Override
    public void setNext(Mdl mdl) {
        this.next = (KernelMdl) mdl;
    }

    @Override
    public int size() {
        return size & 0xFFFF;
    }

    @Override
    public int flags() {
        return flags & 0xFFFF;
    }

    @Override
    public void setFlags(int newFlags) {
        this.flags = newFlags & 0xFFFF;
    }

    @Override
    public int allocationProcessorNumber() {
        return 0;
    }

    @Override
    public long process() {
        return process;
    }

    @Override
    public long mappedSystemVa() {
        return mappedSystemVa;
    }

    @Override
    public long startVa() {
        return startVa;
    }

    @Override
    public int byteCount() {
        return byteCount;
    }

    @Override
    public int byteOffset() {
        return byteOffset;
    }

    @Override
    public int pfnCapacity() {
        return pfns.length;
    }

    @Override
    public long pfn(int index) {
        return pfns[index];
    }

    @Override
    public void copyPfns(int start, long[] target, int offset, int count) {
        System.arraycopy(pfns, start, target, offset, count);
    }

    /** ADDRESS_AND_SIZE_TO_SPAN_PAGES(StartVa + ByteOffset, ByteCount). */
    int pagesSpanned() {
        return SimKernel.span(startVa + byteOffset, Integer.toUnsignedLong(byteCount));
    }
}
