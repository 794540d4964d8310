package dev.mdlbridge.result;

import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.NtStatus;

/**
 * One step of a result: the step itself and, for scenarios, the status it was expected to return.
 *
 * @param index         0-based position in the scenario
 * @param step          what ran
 * @param expect        the status the scenario expected, or null (then success is expected)
 * @param pfnLockCounts the lock count of each page of the step's MDL right after it ran, as {@code !pfn} shows it,
 *                      parallel to {@code step.after().pfns()}; null where the backend cannot tell (the driver
 *                      does not read the PFN database) or the step has no valid PFNs. Not part of the JSON result:
 *                      it is a view of the simulated kernel, not something a driver observes.
 */
public record StepRecord(int index, Step step, NtStatus expect, long[] pfnLockCounts) {

    public StepRecord(int index, Step step, NtStatus expect) {
        this(index, step, expect, null);
    }

    public boolean asExpected() {
        return expect == null ? step.succeeded() : step.status().value() == expect.value();
    }
}
