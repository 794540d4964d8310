package dev.mdlbridge.result;

import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.NtStatus;

/**
 * One step of a result: the step itself and, for scenarios, the status it was expected to return.
 *
 * @param index  0-based position in the scenario
 * @param step   what ran
 * @param expect the status the scenario expected, or null (then success is expected)
 */
public record StepRecord(int index, Step step, NtStatus expect) {

    public boolean asExpected() {
        return expect == null ? step.succeeded() : step.status().value() == expect.value();
    }
}
