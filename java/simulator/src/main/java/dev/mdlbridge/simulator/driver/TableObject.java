package dev.mdlbridge.simulator.driver;

import dev.mdlbridge.simulator.kernel.Mdl;

/**
 * One object of a handle's table (the twin of {@code mdlb_obj}). State bits are kept from what the driver did,
 * never read back from the MDL, so a refusal never depends on memory the kernel may have left undefined.
 */
final class TableObject {

    /** In the C driver's order (kind = ordinal + 1, table.h enum mdlb_obj_kind): the differential test compares them. */
    enum Kind {
        MDL, INIT_MDL, PARTIAL, PAGES, USER_MAPPING, KERNEL_BUFFER,
        /** MmMapLockedPagesSpecifyCache(KernelMode): also its MDL's system mapping. */
        KERNEL_MAPPING,
        /** MmAllocateMappingAddress. */
        RESERVATION,
        /** MmMapLockedPagesWithReservedMapping. */
        RESERVED_MAPPING
    }

    static final int ST_LOCKED = 0x0001;
    static final int ST_WRITE = 0x0002;
    static final int ST_NONPAGED = 0x0004;
    static final int ST_SYSMAP = 0x0008;      // a system mapping this MDL owns
    static final int ST_INHERITED = 0x0010;   // partial built from a mapped source: MappedSystemVa inherited
    static final int ST_SYSADDR = 0x0020;     // a system address was handed out and has not ended
    static final int ST_NOWRITE = 0x0040;     // that system address was mapped MdlMappingNoWrite
    static final int ST_PAGES_FREED = 0x0080; // MmFreePagesFromMdl ran
    static final int ST_PROC_VALID = 0x0100;  // Process holds what the last DDI wrote
    static final int ST_DRIVER_PAGES = 0x0200; // locked KernelMode over a kernel buffer: the driver's own pages
    static final int ST_USER_MAPPED = 0x0400;  // kernel buffer / page allocation once mapped into user space
    static final int ST_QUARANTINED = 0x0800;  // page allocation whose MmFreePagesFromMdl is kept until exit
    static final int ST_RESERVED_MAP = 0x1000; // mapped through a reservation (MmUnmapReservedMapping first)

    int id;
    final Kind kind;
    int state;
    int parent;        // partial: source MDL; user mapping: its MDL
    int userMappings;
    int partials;
    int inheritors;
    long pfnCapacity;
    long va;           // MDL: MmGetMdlVirtualAddress; buffer / mapping: its address
    long length;       // MDL: ByteCount; buffer: its size; mapping: the MDL's ByteCount
    long lockedBytes;
    long poolBytes;
    long pageBytes;
    boolean nowrite;   // user mapping made read-only
    Mdl mdl;           // the kernel's MDL (MDL kinds)
    long systemVa;     // the system address handed out
    int reservation;   // mapping object: its reservation (0: kernel-mode); reservation: the mapping in it (0: none)
    int cacheType = dev.mdlbridge.protocol.Protocol.MM_CACHED; // the memory type of the pages (CONTRACT §2): MDLs
                       // over caller ranges and kernel buffers MmCached, a page allocation its own, a partial its source's

    int pageOffset;    // kernel buffer: where it starts in its block (va - pageOffset is the block, pageBytes its size)

    TableObject(Kind kind) {
        this.kind = kind;
    }

    boolean isMdl() {
        return kind == Kind.MDL || kind == Kind.INIT_MDL || kind == Kind.PARTIAL || kind == Kind.PAGES;
    }

    /** A kernel buffer's pool block: its address (the buffer is {@code pageOffset} bytes into it). */
    long blockVa() {
        return va - pageOffset;
    }

    /** A kernel buffer's pool block: ROUND_UP(pageOffset + size, 4096) bytes. */
    long blockBytes() {
        return (pageOffset + length + 4095) & ~4095L;
    }

    boolean has(int bits) {
        return (state & bits) != 0;
    }
}
