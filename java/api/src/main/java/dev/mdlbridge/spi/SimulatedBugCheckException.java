package dev.mdlbridge.spi;

/**
 * The simulated machine stopped with a bug check. Terminal: every later call on that machine throws again, as a
 * crashed test machine would (it reboots).
 */
public class SimulatedBugCheckException extends RuntimeException {

    private final BugCheck bugCheck;

    public SimulatedBugCheckException(BugCheck bugCheck) {
        super("the simulated machine stopped: " + bugCheck);
        this.bugCheck = bugCheck;
    }

    public BugCheck bugCheck() {
        return bugCheck;
    }
}
