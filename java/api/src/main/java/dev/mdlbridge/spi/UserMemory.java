package dev.mdlbridge.spi;

/**
 * The calling process's own user memory: the other half of the seam. On Windows this is {@code VirtualAlloc}
 * and friends on the JVM's process; in the simulator it is the simulated process's address space.
 *
 * <p>Reads and writes never crash the caller: a page that cannot be touched gives a {@link UserMemoryException}
 * (on Windows through {@code NtReadVirtualMemory}/{@code NtWriteVirtualMemory} on the own process, whose NTSTATUS
 * the exception carries; the simulator answers the same statuses).
 * Protections are Windows' {@code PAGE_*} values, with {@code PAGE_GUARD} (0x100) OR-ed in where wanted.
 */
public interface UserMemory {

    int PAGE_NOACCESS = 0x01;
    int PAGE_READONLY = 0x02;
    int PAGE_READWRITE = 0x04;
    int PAGE_WRITECOPY = 0x08;
    int PAGE_EXECUTE = 0x10;
    int PAGE_EXECUTE_READ = 0x20;
    int PAGE_EXECUTE_READWRITE = 0x40;
    int PAGE_GUARD = 0x100;

    /** {@code VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, protect)}, or {@code MEM_RESERVE} alone. */
    long allocate(long size, int protect, boolean reserveOnly);

    /** {@code VirtualProtect}; returns the old protection of the first page. */
    int protect(long address, long size, int protect);

    /** {@code VirtualFree(address, size, MEM_DECOMMIT)}. */
    void decommit(long address, long size);

    /** {@code VirtualFree(address, 0, MEM_RELEASE)}: the whole allocation that starts at {@code address}. */
    void release(long address);

    /** Reads {@code length} bytes at {@code address} into {@code target[offset..]}. */
    void read(long address, byte[] target, int offset, int length);

    /** Writes {@code length} bytes of {@code source[offset..]} at {@code address}. */
    void write(long address, byte[] source, int offset, int length);
}
