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

    public long address() {
        return address;
    }

    public long size() {
        return size;
    }

    public int protect(long offset, long length, int protect) {
        return memory.protect(address + offset, length, protect);
    }

    public void decommit(long offset, long length) {
        memory.decommit(address + offset, length);
    }

    public byte[] read(long offset, int length) {
        byte[] b = new byte[length];
        memory.read(address + offset, b, 0, length);
        return b;
    }

    public void write(long offset, byte[] data) {
        memory.write(address + offset, data, 0, data.length);
    }

    @Override
    public void close() {
        if (!released) {
            released = true;
            memory.release(address);
        }
    }
}
