package dev.mdlbridge.api;

import dev.mdlbridge.spi.UserMemory;

/** A VirtualAlloc'd buffer of the calling process; closing it releases it (MEM_RELEASE). */
public final class UserBuffer implements AutoCloseable {

    private final UserMemory memory;
    private final long address;
    private final long size;
    private boolean released;

    UserBuffer(UserMemory memory, long address, long size) {
        this.memory = memory;
        this.address = address;
        this.size = size;
    }

    /**
     * Its base address in the calling process.
     *
     * @return the address
     */
    public long address() {
        return address;
    }

    /**
     * Its size in bytes.
     *
     * @return the size
     */
    public long size() {
        return size;
    }

    /**
     * {@code VirtualProtect} of part of the buffer.
     *
     * @param offset  bytes from the base
     * @param length  bytes
     * @param protect the new {@code PAGE_*} protection ({@code PAGE_GUARD} may be OR-ed in)
     * @return the old protection of the first page
     */
    public int protect(long offset, long length, int protect) {
        return memory.protect(address + offset, length, protect);
    }

    /**
     * {@code VirtualFree(MEM_DECOMMIT)} of part of the buffer: the pages stay reserved but have no storage, so a
     * probe of them raises {@code STATUS_ACCESS_VIOLATION}.
     *
     * @param offset bytes from the base
     * @param length bytes
     */
    public void decommit(long offset, long length) {
        memory.decommit(address + offset, length);
    }

    /**
     * Reads bytes of the buffer (never crashing: an inaccessible page throws).
     *
     * @param offset bytes from the base
     * @param length bytes to read
     * @return the bytes
     * @throws dev.mdlbridge.spi.UserMemoryException when a page cannot be read
     */
    public byte[] read(long offset, int length) {
        byte[] b = new byte[length];
        memory.read(address + offset, b, 0, length);
        return b;
    }

    /**
     * Writes bytes into the buffer.
     *
     * @param offset bytes from the base
     * @param data   the bytes
     * @throws dev.mdlbridge.spi.UserMemoryException when a page cannot be written
     */
    public void write(long offset, byte[] data) {
        memory.write(address + offset, data, 0, data.length);
    }

    /**
     * {@code VirtualFree(MEM_RELEASE)} of the whole buffer; does nothing the second time.
     */
    @Override
    public void close() {
        if (!released) {
            released = true;
            memory.release(address);
        }
    }
}
