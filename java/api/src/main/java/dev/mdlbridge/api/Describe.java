package dev.mdlbridge.api;

import dev.mdlbridge.protocol.MdlSnapshot;
import java.util.List;
import java.util.Optional;

/** The trace of a one-shot describe, step by step. */
public record Describe(List<Step> steps) {

    public Describe {
        steps = List.copyOf(steps);
    }

    public boolean succeeded() {
        return steps.stream().allMatch(Step::succeeded);
    }

    /**
     * The steps as {@code mdl describe} prints them ({@link StepFormat}), numbered from 1.
     *
     * @return several lines of text
     */
    @Override
    public String toString() {
        return StepFormat.toString(this);
    }

    /** The PFNs the MDL held while locked (the unlock step's {@code before}), if the lock succeeded. */
    public Optional<long[]> lockedPfns() {
        return steps.stream().filter(s -> s.op().equals("MmUnlockPages")).findFirst()
                .map(Step::before).filter(MdlSnapshot::pfnsValid).map(MdlSnapshot::pfns);
    }
}
