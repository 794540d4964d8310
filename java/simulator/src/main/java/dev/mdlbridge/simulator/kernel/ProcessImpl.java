package dev.mdlbridge.simulator.kernel;

import java.util.LinkedHashSet;
import java.util.Set;

/** A simulated EPROCESS: its address space, NumberOfLockedPages, and the locked-pages tracker's list. */
final class ProcessImpl implements SimProcess {

    final int id;
    final long eprocess;
    final String imageName;
    final UserSpace space;
    long lockedPages;
    /** MDLs locked on this process's behalf and not yet unlocked (the TrackLockedPages list). */
    final Set<KernelMdl> tracker = new LinkedHashSet<>();
    boolean exited;

    ProcessImpl(int id, String imageName, UserSpace space) {
        this.id = id;
        this.eprocess = 0xFFFF_C001_2340_0080L + ((long) id << 12);
        this.imageName = imageName;
        this.space = space;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public long eprocess() {
        return eprocess;
    }

    @Override
    public String imageName() {
        return imageName;
    }

    @Override
    public boolean exited() {
        return exited;
    }
}
