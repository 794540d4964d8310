package dev.mdlbridge.api;

/**
 * A zeroed NonPagedPoolNx buffer owned by the driver for this handle; closing it frees it (ExFreePool). A buffer
 * with a {@link #pageOffset()} starts that many bytes into a block of its own
 * ({@link MdlBridge#allocateKernelBuffer(long, int)}), so an MDL over it has {@code ByteOffset} = the page offset,
 * as an MDL over a small pool allocation does on Windows.
 */
public final class KernelBuffer implements AutoCloseable {

    private final MdlBridge bridge;
    private final int id;
    private final long address;
    private final long size;
    private final int pageOffset;
    private boolean freed;

    KernelBuffer(MdlBridge bridge, int id, long address, long size, int pageOffset) {
        this.bridge = bridge;
        this.id = id;
        this.address = address;
        this.size = size;
        this.pageOffset = pageOffset;
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
     * Where the buffer starts in its first page.
     *
     * @return 0 for a whole-page buffer, else the {@code pageOffset} it was allocated with (a multiple of 16)
     */
    public int pageOffset() {
        return pageOffset;
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
