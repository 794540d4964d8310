package dev.mdlbridge.simulator.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The process manager's side of the simulated machine: every process ever created (an exited one stays, as its
 * EPROCESS would while referenced), in creation order, and the process-notify routines
 * ({@code PsSetCreateProcessNotifyRoutine}) to run at exit. It also answers the locked-pages tracker's question of
 * whether any process has an MDL on its list (WINDOWS-MDL-RULES.md section 3.13).
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it, so it has no lock of its
 * own.
 */
final class ProcessTable {

    private final List<ProcessImpl> processes = new ArrayList<>();
    private final List<Consumer<SimProcess>> notifyRoutines = new ArrayList<>();

    /** A new process with the next id (ids start at 0x1000 and step by 4, as Windows' do). */
    ProcessImpl create(String imageName, UserSpace space) {
        ProcessImpl p = new ProcessImpl(0x1000 + 4 * processes.size(), imageName, space);
        processes.add(p);
        return p;
    }

    void registerNotify(Consumer<SimProcess> onExit) {
        notifyRoutines.add(onExit);
    }

    /** The routines to run for an exiting process: a copy, so a routine may register another. */
    List<Consumer<SimProcess>> notifyRoutines() {
        return List.copyOf(notifyRoutines);
    }

    /** The process whose EPROCESS address this is, or null. */
    ProcessImpl byEprocess(long eprocess) {
        for (ProcessImpl p : processes) {
            if (p.eprocess == eprocess) {
                return p;
            }
        }
        return null;
    }

    /** Whether some process's tracker lists this MDL, or it is a kernel-VA lock (never tracked per process). */
    boolean isTracked(KernelMdl m) {
        for (ProcessImpl p : processes) {
            if (p.tracker.contains(m)) {
                return true;
            }
        }
        return m.charged == null && (m.flags & MdlFlags.MDL_PAGES_LOCKED) != 0;
    }

    /** The frame a free build's MmBuildMdlForNonPagedPool reads for a user VA: the first process with the page
     *  resident, or the MDL's charged process where it has a higher frame there; -1 when none has it. */
    long residentFrame(KernelMdl m, long page) {
        long frame = -1;
        for (ProcessImpl p : processes) {
            if (m.charged == p || frame < 0) {
                frame = Math.max(frame, p.space.residentFrame(page));
            }
        }
        return frame;
    }

    /** Folds every process's NumberOfLockedPages, in creation order, into the census digest. */
    long digest(long digest) {
        for (ProcessImpl p : processes) {
            digest = digest * 31 + p.lockedPages;
        }
        return digest;
    }
}
