package dev.mdlbridge.result;

import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.NtStatus;

/**
 * One step of a result: the step itself and, for scenarios, the status it was expected to return.
 *
 * @param index         0-based position in the scenario
 * @param step          what ran; for a skipped step a placeholder that ran nothing (its status is a failure so
 *                      that code reading only {@code step()} never takes it for a success; the JSON result of a
 *                      skipped step has no status at all)
 * @param expect        the status the scenario expected, or null (then success is expected)
 * @param pfnLockCounts the lock count of each page of the step's MDL right after it ran, as {@code !pfn} shows it,
 *                      parallel to {@code step.after().pfns()}; null where the backend cannot tell (the driver
 *                      does not read the PFN database) or the step has no valid PFNs. Not part of the JSON result:
 *                      it is a view of the simulated kernel, not something a driver observes.
 * @param handle        the scenario handle the step ran on when it is not the first one ({@code main}), else null
 * @param expectSkipped the scenario expected the step to be skipped ({@code "expect": "skipped"})
 * @param skipReason    why the step was not run (an object it names was never created), or null when it ran
 */
public record StepRecord(int index, Step step, NtStatus expect, long[] pfnLockCounts, String handle,
                         boolean expectSkipped, String skipReason) {

    public StepRecord(int index, Step step, NtStatus expect, long[] pfnLockCounts) {
        this(index, step, expect, pfnLockCounts, null, false, null);
    }

    public StepRecord(int index, Step step, NtStatus expect) {
        this(index, step, expect, null);
    }

    /** A step that was not run because an object it names was never created; {@code reason} says which. */
    public static StepRecord skipped(int index, Step placeholder, String handle, boolean expectSkipped, String reason) {
        return new StepRecord(index, placeholder, null, null, handle, expectSkipped, reason);
    }

    public boolean skipped() {
        return skipReason != null;
    }

    /** A skipped step is as expected only when it says {@code "expect": "skipped"}; a step that ran, never then. */
    public boolean asExpected() {
        if (skipped() || expectSkipped) {
            return skipped() && expectSkipped;
        }
        return expect == null ? step.succeeded() : step.status().value() == expect.value();
    }
}
