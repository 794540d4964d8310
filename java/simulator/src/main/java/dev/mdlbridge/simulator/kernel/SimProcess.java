package dev.mdlbridge.simulator.kernel;

/** A simulated user process (an EPROCESS). */
public interface SimProcess {

    /** The process id. */
    int id();

    /** The EPROCESS address (what {@code Mdl->Process} holds after a probe of a user VA). */
    long eprocess();

    String imageName();

    /** True once {@link Kernel#exitProcess} has run. */
    boolean exited();
}
