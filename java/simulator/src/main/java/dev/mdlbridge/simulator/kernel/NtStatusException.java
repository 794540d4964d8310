package dev.mdlbridge.simulator.kernel;

/** An exception raised by a simulated DDI (ExRaiseStatus / a fault), caught where the driver has __except. */
public class NtStatusException extends Exception {

    private final int status;

    public NtStatusException(int status) {
        super(String.format("raised 0x%08X", status), null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
