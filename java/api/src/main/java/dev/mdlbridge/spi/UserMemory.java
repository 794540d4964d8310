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

    /** Any access faults: a probe of such a page raises STATUS_ACCESS_VIOLATION. */
    int PAGE_NOACCESS = 0x01;
    /** Readable only: an IoReadAccess probe succeeds, an IoWriteAccess probe raises. */
    int PAGE_READONLY = 0x02;
    /** Readable and writable. */
    int PAGE_READWRITE = 0x04;
    /** Copy-on-write: the first write gives the process a private copy of the page. */
    int PAGE_WRITECOPY = 0x08;
    /** Executable only. */
    int PAGE_EXECUTE = 0x10;
    /** Executable and readable. */
    int PAGE_EXECUTE_READ = 0x20;
    /** Executable, readable and writable. */
    int PAGE_EXECUTE_READWRITE = 0x40;
    /** Modifier: the first touch raises STATUS_GUARD_PAGE_VIOLATION and removes the guard. */
    int PAGE_GUARD = 0x100;

    /**
     * {@code VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, protect)}, or {@code MEM_RESERVE} alone.
     *
     * @param size        bytes, rounded up to whole pages
     * @param protect     a {@code PAGE_*} protection, optionally OR-ed with {@link #PAGE_GUARD}
     * @param reserveOnly reserve the address range without committing pages
     * @return the allocation's base address
     * @throws UserMemoryException when the call fails
     */
    long allocate(long size, int protect, boolean reserveOnly);

    /**
     * {@code VirtualProtect}: changes the protection of committed pages.
     *
     * @param address the first byte; its whole page counts
     * @param size    bytes from {@code address}
     * @param protect the new {@code PAGE_*} protection
     * @return the old protection of the first page
     * @throws UserMemoryException when the call fails
     */
    int protect(long address, long size, int protect);

    /**
     * {@code VirtualFree(address, size, MEM_DECOMMIT)}: the pages go, the address range stays reserved.
     *
     * @param address the first byte; its whole page counts
     * @param size    bytes from {@code address}
     * @throws UserMemoryException when the call fails
     */
    void decommit(long address, long size);

    /**
     * {@code VirtualFree(address, 0, MEM_RELEASE)}: the whole allocation that starts at {@code address}.
     *
     * @param address the base address {@link #allocate} returned
     * @throws UserMemoryException when the call fails
     */
    void release(long address);

    /**
     * Reads {@code length} bytes at {@code address} into {@code target[offset..]}.
     *
     * @param address where to read in the process
     * @param target  where the bytes go
     * @param offset  first index of {@code target} written
     * @param length  bytes to read
     * @throws UserMemoryException when a page cannot be read (its NTSTATUS, e.g. an access violation)
     */
    void read(long address, byte[] target, int offset, int length);

    /**
     * Writes {@code length} bytes of {@code source[offset..]} at {@code address}.
     *
     * @param address where to write in the process
     * @param source  the bytes
     * @param offset  first index of {@code source} read
     * @param length  bytes to write
     * @throws UserMemoryException when a page cannot be written (its NTSTATUS, e.g. an access violation)
     */
    void write(long address, byte[] source, int offset, int length);
}
