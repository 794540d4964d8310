package dev.mdlbridge.cli.explore;

import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.BugCheck;

/**
 * What one step did, as the invariants need it.
 *
 * @param status    the step's NTSTATUS (the reply's, the IRP's when the IOCTL itself failed, or a user-memory call's)
 * @param stage     {@code Protocol.STAGE_*} of the reply; STAGE_DONE for steps without one
 * @param detail    the refusal rule, limit, parameter or DDI behind a failure
 * @param objectId  the object created or acted on
 * @param value     the reply's value (an address, a size)
 * @param skipped   the step named an object whose creating step failed, so it was not run (CONTRACT section 9)
 * @param irpFailed the IOCTL itself failed (unknown id, released handle): nothing ran in the driver
 * @param bugCheck  the simulated bug check the step caused, or null
 */
record StepResult(int status, int stage, int detail, int objectId, long value, boolean skipped, boolean irpFailed,
                  BugCheck bugCheck) {

    static final StepResult SKIPPED = new StepResult(0, Protocol.STAGE_DONE, 0, 0, 0, true, false, null);

    static StepResult local(int status) {
        return new StepResult(status, Protocol.STAGE_DONE, 0, 0, 0, false, false, null);
    }

    static StepResult local(int status, long value) {
        return new StepResult(status, Protocol.STAGE_DONE, 0, 0, value, false, false, null);
    }

    static StepResult irpFailure(int status) {
        return new StepResult(status, Protocol.STAGE_DONE, 0, 0, 0, false, true, null);
    }

    static StepResult crashed(BugCheck b) {
        return new StepResult(0, Protocol.STAGE_DONE, 0, 0, 0, false, false, b);
    }

    boolean succeeded() {
        return !skipped && bugCheck == null && status >= 0;
    }

    /** A refusal, a limit or a bad parameter: the driver must have changed nothing (CONTRACT section 3). */
    boolean refusedWithoutEffect() {
        return !skipped && bugCheck == null && (stage == Protocol.STAGE_REFUSED || stage == Protocol.STAGE_LIMIT
                || stage == Protocol.STAGE_PARAMETER);
    }

    String statusName() {
        return NtStatus.of(status).name();
    }
}
