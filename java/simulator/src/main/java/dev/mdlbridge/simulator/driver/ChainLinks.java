package dev.mdlbridge.simulator.driver;

import dev.mdlbridge.simulator.kernel.Mdl;
import java.lang.reflect.Method;

/**
 * Writes {@code Mdl->Next}, which Windows lets a driver write (with {@code MdlFlags}) but the simulated kernel's
 * {@link Mdl} interface does not expose. Needed only to detach a failed range from the middle or tail of an IRP's
 * chain (CONTRACT section 5). Uses the kernel's own public {@code setNext} when its MDL class has one; otherwise the
 * request fails visibly (an internal error), never silently.
 */
final class ChainLinks {

    private ChainLinks() {
    }

    static void setNext(Mdl mdl, Mdl next) {
        for (String name : new String[] {"setNext", "setNextMdl"}) {
            try {
                Method m = mdl.getClass().getMethod(name, Mdl.class);
                m.setAccessible(true); // the kernel's MDL class itself may be package-private
                m.invoke(mdl, next);
                return;
            } catch (NoSuchMethodException e) {
                // try the next spelling
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the kernel's " + name + " failed", e);
            }
        }
        throw new UnsupportedOperationException("the simulated kernel's Mdl has no setNext: a failed chain range "
                + "cannot be detached from the IRP (Kernel interface gap, see the simulator driver report)");
    }
}
