package dev.mdlbridge.api;

/** A zeroed NonPagedPoolNx buffer owned by the driver for this handle; closing it frees it (ExFreePool). */
public final class KernelBuffer implements AutoCloseable {

    private final MdlBridge bridge;
    private final int id;
    private final long address;
    private final long size;
    private boolean freed;

    KernelBuffer(MdlBridge bridge, int id, long address, long size) {
        this.bridge = bridge;
        this.id = id;
        this.address = address;
        this.size = size;
    }

    public int id() {
        return id;
    }

    /** Its kernel virtual address (the only kind of range KernelMode probes may use). */
    public long address() {
        return address;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() {
        if (!freed) {
            bridge.exFreePool(id).orThrow();
            freed = true;
        }
    }
}
