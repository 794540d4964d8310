package dev.mdlbridge.simulator.driver;

import dev.mdlbridge.simulator.kernel.Mdl;

/**
 * Writes {@code Mdl->Next}, which Windows lets a driver write (with {@code MdlFlags}) but the simulated kernel's
 * {@link Mdl} writes as {@link Mdl#setNext}. Needed only to detach a failed range from the middle or tail of an
 * IRP's chain (CONTRACT section 5).
 */
final class ChainLinks {

    private ChainLinks() {
    }

    static void setNext(Mdl mdl, Mdl next) {
        mdl.setNext(next);
    }
}
