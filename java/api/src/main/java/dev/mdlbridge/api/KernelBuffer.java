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

    /**
     * The handle's id of the buffer (what {@link MdlBridge#exFreePool} takes).
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * Its kernel virtual address: the only kind of range {@code KernelMode} probes and
     * {@code MmBuildMdlForNonPagedPool} may use.
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
     * {@code ExFreePoolWithTag} of the buffer; does nothing the second time.
     *
     * @throws DdiException when refused (an MDL over it still lives)
     */
    @Override
    public void close() {
        if (!freed) {
            bridge.exFreePool(id).orThrow();
            freed = true;
        }
    }
}
