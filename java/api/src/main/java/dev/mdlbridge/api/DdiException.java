package dev.mdlbridge.api;

import dev.mdlbridge.protocol.NtStatus;

/** A step failed: carries the step, its status (name and value) and why. */
public class DdiException extends RuntimeException {

    private final transient Step step;

    /**
     * The exception for a failed step; the message is {@link Step#describeOutcome()} with the step's snapshots.
     *
     * @param step the failed step
     */
    public DdiException(Step step) {
        super(message(step));
        this.step = step;
    }

    private static String message(Step step) {
        String why = step.describeOutcome();
        String first = step.stage() == dev.mdlbridge.protocol.Protocol.STAGE_DDI && why.startsWith(step.op() + " ")
                ? why : step.op() + " failed with " + step.status() + (why.isEmpty() ? "" : ": " + why);
        String snapshots = dev.mdlbridge.protocol.SnapshotFormat.capture(
                out -> StepFormat.printSnapshots(out, StepFormat.INDENT, step, false));
        return snapshots.isEmpty() ? first : first + System.lineSeparator() + snapshots;
    }

    /**
     * The failed step, with its snapshots.
     *
     * @return the step
     */
    public Step step() {
        return step;
    }

    /**
     * The step's NTSTATUS.
     *
     * @return the status, by name and value
     */
    public NtStatus status() {
        return step.status();
    }
}
