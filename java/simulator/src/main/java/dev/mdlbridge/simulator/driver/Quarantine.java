package dev.mdlbridge.simulator.driver;

import dev.mdlbridge.simulator.kernel.Kernel;
import dev.mdlbridge.simulator.kernel.Mdl;
import dev.mdlbridge.simulator.kernel.SimProcess;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Pages of a kernel buffer or page allocation that were once mapped into a process's user space (CONTRACT section
 * 2). Other components (the file system, the network stack, the I/O manager for someone else's DIRECT request) may
 * have locked them through that mapping without the driver knowing, so the caller's free succeeds but the pages
 * go back to the system only when the process exits. The handle is uncharged; the driver-wide use keeps them.
 * The twin of {@code mdlb_quarantined} and {@code mdlb_quarantine_release} in driver/src.
 */
final class Quarantine {

    private record Held(SimProcess owner, long block, Mdl pages, ResourceUse charge) {
    }

    private final Kernel kernel;
    private final List<Held> held = new ArrayList<>();

    Quarantine(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Keeps a kernel buffer's block (its pool address) or a page allocation's MDL until {@code owner} exits. */
    synchronized void keep(SimProcess owner, long block, Mdl pages, ResourceUse charge) {
        held.add(new Held(owner, block, pages, charge.copy()));
    }

    /** Bytes held now (Info reports them). */
    synchronized long bytes() {
        long n = 0;
        for (Held h : held) {
            n += h.charge.kernelBufferBytes + h.charge.pageBytes;
        }
        return n;
    }

    /** The owner's exit: frees what it left and uncharges the driver. */
    void release(SimProcess owner, ResourceUse driverUse, Object useLock) {
        List<Held> mine = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Held> it = held.iterator(); it.hasNext();) {
                Held h = it.next();
                if (h.owner == owner) {
                    mine.add(h);
                    it.remove();
                }
            }
        }
        for (Held h : mine) {
            if (h.pages != null) {
                kernel.mmFreePagesFromMdl(h.pages);
                kernel.exFreePoolMdl(h.pages);
            } else {
                kernel.exFreePool(h.block, Operations.TAG_KERNEL_BUFFER);
            }
            synchronized (useLock) {
                driverUse.sub(h.charge);
            }
        }
    }
}
