package dev.mdlbridge.api;

import dev.mdlbridge.protocol.MdlSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * The trace of a one-shot describe ({@link MdlBridge#describe}), step by step.
 *
 * @param steps IoAllocateMdl, MmProbeAndLockPages, MmGetSystemAddressForMdlSafe, MmUnlockPages, IoFreeMdl, as far
 *              as they ran
 */
public record Describe(List<Step> steps) {

    /**
     * A trace; the steps are copied.
     *
     * @param steps the steps, in order
     */
    public Describe {
        steps = List.copyOf(steps);
    }

    /**
     * Whether every step succeeded.
     *
     * @return true when none failed
     */
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

    /**
     * The PFNs the MDL held while locked (the unlock step's {@code before}): the physical pages behind the range,
     * one per page spanned.
     *
     * @return the PFNs, or empty when the lock failed
     */
    public Optional<long[]> lockedPfns() {
        return steps.stream().filter(s -> s.op().equals("MmUnlockPages")).findFirst()
                .map(Step::before).filter(MdlSnapshot::pfnsValid).map(MdlSnapshot::pfns);
    }
}
