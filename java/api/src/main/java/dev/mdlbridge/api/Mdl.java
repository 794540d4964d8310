package dev.mdlbridge.api;

import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.MdlSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An MDL the driver holds for this handle: one from {@code IoAllocateMdl} ({@link MdlBridge#allocateMdl}), or a
 * partial MDL built from one ({@link #buildPartial}). Each method performs one DDI on it and returns its
 * {@link Step}, which carries the status and the MDL before and after; a failed step is returned, not thrown
 * ({@link Step#orThrow()} throws). {@link #close()} undoes what is left in Windows' order: the partials built from
 * it, then the system mapping (through the unlock), the lock, and the MDL itself.
 *
 * <p>Not safe for use by several threads at once (the bridge is; this object's record of the last snapshot is not).
 */
public final class Mdl implements AutoCloseable {

    private final MdlBridge bridge;
    private final int id;
    private final Mdl source;
    private final List<Mdl> partials = new ArrayList<>();
    private final List<SystemMapping> mappings = new ArrayList<>();
    private final MappingOwner owner = new Owner();
    private MdlSnapshot last;
    private boolean freed;

    Mdl(MdlBridge bridge, int id, MdlSnapshot first) {
        this(bridge, id, first, null);
    }

    private Mdl(MdlBridge bridge, int id, MdlSnapshot first, Mdl source) {
        this.bridge = bridge;
        this.id = id;
        this.last = first;
        this.source = source;
    }

    /**
     * The handle's id of this MDL: what the raw {@link MdlBridge} methods take ({@code mmUnlockPages(id)}).
     * Meaningful only on the handle (bridge) that created it.
     *
     * @return the object id, never 0
     */
    public int id() {
        return id;
    }

    /**
     * The MDL as of the last step made through this object: after its allocation, or the {@code after} of the
     * last step that returned one.
     *
     * @return the snapshot (flags, sizes, addresses, PFNs)
     */
    public MdlSnapshot snapshot() {
        return last;
    }

    /**
     * The MDL this partial MDL was built from by {@code IoBuildPartialMdl}.
     *
     * @return the source, or empty for an MDL that is not a partial
     */
    public Optional<Mdl> source() {
        return Optional.ofNullable(source);
    }

    /**
     * Whether this is a partial MDL ({@code MDL_PARTIAL}: it describes part of its {@link #source() source}'s pages
     * and shares their locks; it is never probed or unlocked itself).
     *
     * @return true for an MDL built by {@link #buildPartial}
     */
    public boolean isPartial() {
        return source != null;
    }

    /**
     * The partial MDLs built from this one that are still live (not freed).
     *
     * @return the partials, oldest first
     */
    public List<Mdl> partials() {
        return List.copyOf(partials);
    }

    /**
     * The kernel-mode and reserved mappings made through {@link #mapKernel} and {@link Reservation#map} that are
     * still live.
     *
     * @return the mappings, oldest first
     */
    public List<SystemMapping> mappings() {
        return List.copyOf(mappings);
    }

    private Step track(Step s) {
        if (s.after() != null) {
            last = s.after();
        }
        return s;
    }

    MappingOwner owner() {
        return owner;
    }

    /** A step that took the MDL's system mapping away with it (an unlock, an unmap by MDL, a partial's free) ends
     *  the kernel-mode mapping objects of it; a reserved mapping is never ended that way (those steps are refused). */
    private void systemMappingGone() {
        for (SystemMapping m : List.copyOf(mappings)) {
            if (m.reservation().isEmpty()) {
                m.ended();
            }
        }
    }

    /** Keeps the snapshot and the live mappings current; not part of the public surface. */
    private final class Owner implements MappingOwner {
        @Override
        public int id() {
            return id;
        }

        @Override
        public void record(Step step) {
            track(step);
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
     * {@code MmProbeAndLockPages(Mdl, mode, operation)}: probes the pages the MDL describes for the access and locks
     * them, filling the PFN array and setting {@code MDL_PAGES_LOCKED} (and {@code MDL_WRITE_OPERATION} for write
     * and modify access); with {@code UserMode} it also records the owning process in {@code Process}. A page that
     * cannot be accessed makes it raise {@code STATUS_ACCESS_VIOLATION} (or the guard-page or in-page status).
     *
     * @param mode      the mode the range is probed for: {@code UserMode} checks it lies below
     *                  {@code MmUserProbeAddress}; {@code KernelMode} is allowed only over a kernel buffer
     * @param operation the access the pages are locked for
     * @return the step; {@code after} is the locked MDL
     */
    public Step probeAndLock(AccessMode mode, LockOperation operation) {
        return track(bridge.mmProbeAndLockPages(id, mode, operation));
    }

    /**
     * {@code MmGetSystemAddressForMdlSafe(Mdl, priority)} with the bridge's {@link MdlBridge#defaultPriority()}:
     * maps the locked pages into system space (setting {@code MDL_MAPPED_TO_SYSTEM_VA}, or for a partial
     * {@code MDL_PARTIAL_HAS_BEEN_MAPPED}) unless they already are; the step's value is the address,
     * {@code MappedSystemVa} plus {@code ByteOffset}. Out of system PTEs it returns NULL
     * ({@code STATUS_INSUFFICIENT_RESOURCES}).
     *
     * @return the step; its value is the system address
     */
    public Step systemAddress() {
        return track(bridge.mmGetSystemAddressForMdlSafe(id, bridge.defaultPriority()));
    }

    /**
     * {@code MmUnmapLockedPages(MappedSystemVa, Mdl)} of the MDL's own system mapping: clears
     * {@code MDL_MAPPED_TO_SYSTEM_VA}, leaving the pages locked.
     *
     * @return the step
     */
    public Step unmapSystemAddress() {
        Step s = track(bridge.mmUnmapSystemAddress(id));
        if (s.succeeded()) {
            systemMappingGone();
        }
        return s;
    }

    /**
     * {@code MmMapLockedPagesSpecifyCache(Mdl, KernelMode, cacheType, NULL, FALSE, priority)}: maps the locked pages
     * into system space as a mapping of its own, which the caller ends ({@link SystemMapping#unmap()}). It becomes
     * the MDL's one system mapping: {@code MDL_MAPPED_TO_SYSTEM_VA} (0x1) is set, {@code MappedSystemVa} is the
     * mapping's page-aligned base, and the address returned is that base + {@code ByteOffset}.
     *
     * <pre>{@code
     * mdl.probeAndLock(AccessMode.USER_MODE, LockOperation.WRITE).orThrow();
     * try (SystemMapping m = mdl.mapKernel(CacheType.CACHED, bridge.defaultPriority())) {
     *     // mdl.snapshot().mdlFlags() has 0x1; m.address() == MappedSystemVa + ByteOffset
     * }
     * }</pre>
     *
     * @param cacheType the type the pages were made with: {@link CacheType#CACHED} for caller ranges and kernel
     *                  buffers (anything else is {@code PARAM_CACHE_TYPE})
     * @param priority  a page priority with the {@code MdlMapping*} bits ({@code MdlMappingNoExecute} is forced
     *                  from Windows 8 on)
     * @return the mapping
     * @throws DdiException when refused: not locked ({@code REFUSE_MAP_NOT_LOCKED}), zero length, a shared handle,
     *         already mapped into system space, built for nonpaged pool or a partial that inherited its source's
     *         mapping ({@code REFUSE_ALREADY_MAPPED}); over {@code maxSystemMappingBytes}; or the DDI returned NULL
     *         ({@code STATUS_INSUFFICIENT_RESOURCES})
     */
    public SystemMapping mapKernel(CacheType cacheType, int priority) {
        Step s = track(bridge.mmMapLockedPagesSpecifyCache(id, AccessMode.KERNEL_MODE, cacheType.value(), 0L,
                priority));
        s.orThrow();
        return new SystemMapping(bridge, owner, null, s, cacheType);
    }

    /**
     * {@link #mapKernel(CacheType, int)} with the bridge's {@link MdlBridge#defaultPriority()}.
     *
     * @param cacheType the type the pages were made with
     * @return the mapping
     * @throws DdiException as {@link #mapKernel(CacheType, int)}
     */
    public SystemMapping mapKernel(CacheType cacheType) {
        return mapKernel(cacheType, bridge.defaultPriority());
    }

    /**
     * {@code MmUnlockPages(Mdl)}: unmaps the system mapping if there is one, releases the page locks and clears
     * {@code MDL_PAGES_LOCKED}; the PFN array is undefined afterwards. The step's {@code before} holds every PFN
     * that was locked.
     *
     * @return the step
     */
    public Step unlock() {
        Step s = track(bridge.mmUnlockPages(id));
        if (s.succeeded()) {
            systemMappingGone();
        }
        return s;
    }

    /**
     * Reads the MDL as it is now, without changing it (the driver's {@code Query}), with every PFN.
     *
     * @return the step; {@code after} is the current MDL
     */
    public Step query() {
        return track(bridge.query(id));
    }

    /**
     * {@code IoBuildPartialMdl(SourceMdl, TargetMdl, VirtualAddress, Length)}: allocates a target MDL with
     * {@code IoAllocateMdl} for the piece and builds it as a partial of this MDL. The partial gets
     * {@code MDL_PARTIAL}, copies this MDL's PFNs for the pages of the piece, and shares their locks (it is never
     * unlocked; this MDL must stay locked while it lives). This MDL must be locked, built for nonpaged pool or a
     * page allocation.
     *
     * @param offset where the piece starts, in bytes from this MDL's virtual address
     *               ({@code MmGetMdlVirtualAddress})
     * @param length the piece's length in bytes; 0 means the rest of this MDL
     * @return the partial, whose {@link #source()} is this MDL; close it (IoFreeMdl) before unlocking this one
     * @throws DdiException when the driver refused or a DDI failed; its message says which rule or status
     */
    public Mdl buildPartial(long offset, int length) {
        Step s = bridge.ioBuildPartialMdl(id, offset, length).orThrow();
        Mdl p = new Mdl(bridge, s.objectId(), s.after(), this);
        partials.add(p);
        return p;
    }

    /**
     * {@code MmBuildMdlForNonPagedPool(Mdl)}: fills the PFN array of an MDL over nonpaged pool (a
     * {@link KernelBuffer}) and sets {@code MDL_SOURCE_IS_NONPAGED_POOL}; the pages are not locked and
     * {@code MappedSystemVa} is the pool address itself.
     *
     * @return the step
     */
    public Step buildForNonPagedPool() {
        return track(bridge.mmBuildMdlForNonPagedPool(id));
    }

    /**
     * {@code IoFreeMdl(Mdl)}: frees the MDL (for a partial that was mapped, after unmapping its mapping). The driver
     * refuses it while the MDL is locked, holds a system mapping or has a live partial.
     *
     * @return the step
     */
    public Step free() {
        Step s = bridge.ioFreeMdl(id);
        if (s.succeeded()) {
            freed = true;
            systemMappingGone();
            if (source != null) {
                source.partials.remove(this);
            }
        }
        return s;
    }

    /**
     * Releases what the MDL still holds, in Windows' order: its live partials (each closed the same way), then the
     * kernel-mode and reserved mappings made through this object ({@link SystemMapping#close()}), then its system
     * mapping (through the unlock) and locks, then the MDL itself. Freeing a mapped partial unmaps it. Does nothing
     * once the MDL was freed.
     *
     * @throws DdiException when a release fails
     */
    @Override
    public void close() {
        if (freed) {
            return;
        }
        for (Mdl p : List.copyOf(partials)) {
            p.close();
        }
        for (SystemMapping m : List.copyOf(mappings)) {
            m.close();
        }
        if (source == null) {
            if ((last.mdlFlags() & MdlFlags.PAGES_LOCKED) != 0) {
                unlock().orThrow();
            } else if ((last.mdlFlags() & MdlFlags.MAPPED_TO_SYSTEM_VA) != 0
                    && (last.mdlFlags() & MdlFlags.SOURCE_IS_NONPAGED_POOL) == 0) {
                unmapSystemAddress().orThrow();
            }
        }
        free().orThrow();
    }

    /**
     * The MDL as {@code mdl} prints it ({@link MdlSnapshot#toString()}), with its source for a partial.
     *
     * @return one line of text
     */
    @Override
    public String toString() {
        return (freed ? "freed " : "") + last + (source == null ? "" : " (partial of MDL " + source.id + ")");
    }
}
