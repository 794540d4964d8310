package dev.mdlbridge.spi;

/**
 * The simulated machine stopped with a bug check. Terminal: every later call on that machine throws again, as a
 * crashed test machine would (it reboots).
 */
public class SimulatedBugCheckException extends RuntimeException {

    /** The stop code and parameters. */
    private final BugCheck bugCheck;

    /**
     * The machine stopped.
     *
     * @param bugCheck the stop code and its parameters
     */
    public SimulatedBugCheckException(BugCheck bugCheck) {
        super("the simulated machine stopped: " + bugCheck);
        this.bugCheck = bugCheck;
    }

    /**
     * The bug check that stopped the machine.
     *
     * @return its stop code and parameters
     */
    public BugCheck bugCheck() {
        return bugCheck;
    }
}
