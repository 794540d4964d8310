package dev.mdlbridge.api;

import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.MdlSnapshot;

/**
 * An MDL allocated with IoAllocateMdl on a bridge. Each method performs one DDI and returns its {@link Step};
 * {@link #close()} undoes what is left in Windows' order (unmap the system mapping, unlock, IoFreeMdl).
 */
public final class Mdl implements AutoCloseable {

    private final MdlBridge bridge;
    private final int id;
    private MdlSnapshot last;
    private boolean freed;

    Mdl(MdlBridge bridge, int id, MdlSnapshot first) {
        this.bridge = bridge;
        this.id = id;
        this.last = first;
    }

    public int id() {
        return id;
    }

    /** The MDL as of the last step made through this object. */
    public MdlSnapshot snapshot() {
        return last;
    }

    private Step track(Step s) {
        if (s.after() != null) {
            last = s.after();
        }
        return s;
    }

    public Step probeAndLock(AccessMode mode, LockOperation operation) {
        return track(bridge.mmProbeAndLockPages(id, mode, operation));
    }

    public Step systemAddress() {
        return track(bridge.mmGetSystemAddressForMdlSafe(id, bridge.defaultPriority()));
    }

    public Step unmapSystemAddress() {
        return track(bridge.mmUnmapSystemAddress(id));
    }

    public Step unlock() {
        return track(bridge.mmUnlockPages(id));
    }

    public Step query() {
        return track(bridge.query(id));
    }

    public Step free() {
        Step s = bridge.ioFreeMdl(id);
        freed |= s.succeeded();
        return s;
    }

    /** Releases what the MDL still holds: its system mapping (through the unlock), its locks, the MDL itself. */
    @Override
    public void close() {
        if (freed) {
            return;
        }
        if ((last.mdlFlags() & MdlFlags.PAGES_LOCKED) != 0) {
            unlock().orThrow();
        } else if ((last.mdlFlags() & MdlFlags.MAPPED_TO_SYSTEM_VA) != 0) {
            unmapSystemAddress().orThrow();
        }
        free().orThrow();
    }
}
