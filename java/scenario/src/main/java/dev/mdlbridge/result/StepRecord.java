package dev.mdlbridge.result;

import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.spi.BugCheck;

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
 * @param expectBugCheck the bug check the scenario expected this step to cause ({@code "expect": {"bugCheck": ...}}),
 *                      or null
 * @param bugCheck      the simulated bug check this step caused (it ended the run), or null; the JSON result says
 *                      {@code "causedBugCheck": true}
 * @param expectation   the {@code expect} object ({@code status}, {@code mdl}, {@code flagsSet}, {@code flagsClear},
 *                      {@code value}) as the scenario gave it, or null when {@code expect} was a status, "skipped", a
 *                      bug check or absent; echoed in the JSON result
 * @param mismatches    the fields of {@code expectation} the step did not meet (a status that differs included);
 *                      empty when it met them all or has no expectation object
 * @param iteration     the iteration of the {@code Repeat} this step ran in (0 first), or null outside a Repeat
 * @param endedRepeat   this step failed in an iteration of a {@code Repeat} with {@code untilFailure}: the failure
 *                      ended the Repeat, as asked, and does not count against the scenario
 */
public record StepRecord(int index, Step step, NtStatus expect, long[] pfnLockCounts, String handle,
                         boolean expectSkipped, String skipReason, ExpectedBugCheck expectBugCheck,
                         BugCheck bugCheck, com.fasterxml.jackson.databind.JsonNode expectation,
                         java.util.List<Mismatch> mismatches, Integer iteration, boolean endedRepeat) {

    public StepRecord {
        mismatches = mismatches == null ? java.util.List.of() : java.util.List.copyOf(mismatches);
    }

    public StepRecord(int index, Step step, NtStatus expect, long[] pfnLockCounts, String handle,
                      boolean expectSkipped, String skipReason, ExpectedBugCheck expectBugCheck, BugCheck bugCheck) {
        this(index, step, expect, pfnLockCounts, handle, expectSkipped, skipReason, expectBugCheck, bugCheck, null,
                null, null, false);
    }

    public StepRecord(int index, Step step, NtStatus expect, long[] pfnLockCounts, String handle,
                      boolean expectSkipped, String skipReason) {
        this(index, step, expect, pfnLockCounts, handle, expectSkipped, skipReason, null, null);
    }

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

    /** This step caused the bug check that ended the run. */
    public boolean causedBugCheck() {
        return bugCheck != null;
    }

    /** The same record, marked as the step that caused {@code b}. */
    public StepRecord causing(BugCheck b) {
        return new StepRecord(index, step, expect, pfnLockCounts, handle, expectSkipped, skipReason, expectBugCheck, b,
                expectation, mismatches, iteration, endedRepeat);
    }

    /** The same record, run in iteration {@code i} of a Repeat; {@code endsRepeat} when its failure ends it. */
    public StepRecord inIteration(int i, boolean endsRepeat) {
        return new StepRecord(index, step, expect, pfnLockCounts, handle, expectSkipped, skipReason, expectBugCheck,
                bugCheck, expectation, mismatches, i, endsRepeat);
    }

    /** The same record with the expectation object it was checked against and what did not meet it. */
    public StepRecord checked(com.fasterxml.jackson.databind.JsonNode expectationObject, java.util.List<Mismatch> m) {
        return new StepRecord(index, step, expect, pfnLockCounts, handle, expectSkipped, skipReason, expectBugCheck,
                bugCheck, expectationObject, m, iteration, endedRepeat);
    }

    /**
     * Whether the step counts for the scenario: as expected, or a failure that ended a {@code Repeat} with
     * {@code untilFailure} (what such a Repeat waits for). A bug check is never excused that way.
     */
    public boolean counts() {
        return asExpected() || (endedRepeat && bugCheck == null);
    }

    public boolean skipped() {
        return skipReason != null;
    }

    /**
     * A skipped step is as expected only when it says {@code "expect": "skipped"}; a step that ran, never then. A
     * step expecting a bug check is as expected only when it caused one that matches; a step that caused a bug check
     * nobody expected never is.
     */
    public boolean asExpected() {
        if (skipped() || expectSkipped) {
            return skipped() && expectSkipped;
        }
        if (expectBugCheck != null) {
            return expectBugCheck.matches(bugCheck);
        }
        if (bugCheck != null) {
            return false;
        }
        if (!mismatches.isEmpty()) {
            return false;
        }
        return expect == null ? step.succeeded() : step.status().value() == expect.value();
    }
}
