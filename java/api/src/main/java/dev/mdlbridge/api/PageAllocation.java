package dev.mdlbridge.api;

import dev.mdlbridge.protocol.MdlSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Physical pages from {@code MmAllocatePagesForMdlEx} ({@link MdlBridge#allocatePages}) and the MDL that describes
 * them. The pages are not mapped; {@link #mapKernel(int)} or a {@link Reservation} maps them, always with the cache
 * type they were made with. The MDL may describe fewer bytes than asked ({@link #byteCount()}) when the allocation
 * was short and {@link AllocationFlag#FULLY_REQUIRED} was not given; every later step is bounded by what it
 * describes. {@link #close()} ends the mappings still live, then {@code MmFreePagesFromMdl} and
 * {@code ExFreePool} of the MDL.
 *
 * <pre>{@code
 * try (PageAllocation pages = bridge.allocatePages(PageAllocationRequest.of(8192).cacheType(CacheType.NON_CACHED));
 *      SystemMapping m = pages.mapKernel(bridge.defaultPriority())) {   // MmNonCached, as the pages are
 *     m.write(0, new byte[] {42});
 * }
 * }</pre>
 */
public final class PageAllocation implements AutoCloseable {

    private final MdlBridge bridge;
    private final int id;
    private final PageAllocationRequest request;
    private final List<SystemMapping> mappings = new ArrayList<>();
    private final MappingOwner owner = new Owner();
    private MdlSnapshot last;
    private boolean freed;

    PageAllocation(MdlBridge bridge, Step allocated, PageAllocationRequest request) {
        this.bridge = bridge;
        this.id = allocated.objectId();
        this.last = allocated.after();
        this.request = request;
    }

    /**
     * The handle's id of the page allocation's MDL.
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * The request it was allocated with.
     *
     * @return the request
     */
    public PageAllocationRequest request() {
        return request;
    }

    /**
     * The type the pages were made with: the request's.
     *
     * @return the cache type every mapping of the pages uses
     */
    public CacheType cacheType() {
        return request.cacheType();
    }

    /**
     * The bytes the MDL describes: the request's size, or less after a short allocation.
     *
     * @return {@code ByteCount}
     */
    public long byteCount() {
        return last.byteCount();
    }

    /**
     * The MDL as of the last step made through this object.
     *
     * @return the snapshot; its PFNs are the frames allocated
     */
    public MdlSnapshot snapshot() {
        return last;
    }

    /**
     * The kernel-mode and reserved mappings of the pages that are still live.
     *
     * @return the mappings, oldest first
     */
    public List<SystemMapping> mappings() {
        return List.copyOf(mappings);
    }

    /**
     * {@code MmMapLockedPagesSpecifyCache(Mdl, KernelMode, cacheType(), NULL, FALSE, priority)}: maps the pages into
     * system space with their own cache type.
     *
     * @param priority a page priority with the {@code MdlMapping*} bits ({@link MdlBridge#defaultPriority()})
     * @return the mapping
     * @throws DdiException when refused (already mapped: {@code REFUSE_ALREADY_MAPPED}), over
     *         {@code maxSystemMappingBytes}, or the DDI returned NULL
     */
    public SystemMapping mapKernel(int priority) {
        Step s = bridge.mmMapLockedPagesSpecifyCache(id, AccessMode.KERNEL_MODE, cacheType().value(), 0L, priority);
        owner.record(s);
        s.orThrow();
        return new SystemMapping(bridge, owner, null, s, cacheType());
    }

    MappingOwner owner() {
        return owner;
    }

    /** Keeps the snapshot and the live mappings current; not part of the public surface. */
    private final class Owner implements MappingOwner {
        @Override
        public int id() {
            return id;
        }

        @Override
        public void record(Step step) {
            if (step.after() != null) {
                last = step.after();
            }
        }

        @Override
        public void mapped(SystemMapping mapping) {
            mappings.add(mapping);
        }

        @Override
        public void unmapped(SystemMapping mapping) {
            mappings.remove(mapping);
        }
    }

    /**
     * Ends the live mappings, then {@code MmFreePagesFromMdl} and {@code ExFreePool} of the MDL; does nothing the
     * second time.
     *
     * @throws DdiException when a release is refused
     */
    @Override
    public void close() {
        if (freed) {
            return;
        }
        for (SystemMapping m : List.copyOf(mappings)) {
            m.close();
        }
        owner.record(bridge.mmFreePagesFromMdl(id).orThrow());
        bridge.exFreePoolMdl(id).orThrow();
        freed = true;
    }

    /**
     * The allocation in one line.
     *
     * @return the request and the MDL
     */
    @Override
    public String toString() {
        return (freed ? "freed " : "") + request + " -> " + last;
    }
}
