package dev.mdlbridge.api;

import dev.mdlbridge.protocol.NtStatus;

/** A step failed: carries the step, its status (name and value) and why. */
public class DdiException extends RuntimeException {

    private final transient Step step;

    public DdiException(Step step) {
        super(step.op() + " failed with " + step.status() + (step.explanation().isEmpty() ? ""
                : ": " + step.explanation()));
        this.step = step;
    }

    public Step step() {
        return step;
    }

    public NtStatus status() {
        return step.status();
    }
}
