package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Explanations;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import java.util.List;
import java.util.Optional;

/**
 * One step: the DDI (or user-memory call) that ran, what it returned, and the MDL around it.
 *
 * @param op       the DDI's name, as the scenario language spells it ({@code MmProbeAndLockPages})
 * @param status   the NTSTATUS: the DDI's result or raised code, a refusal, a limit
 * @param stage    {@code Protocol.STAGE_*}: where the driver stopped
 * @param detail   the rule, field, limit or DDI behind a failure ({@code Protocol.REFUSE_*} and so on)
 * @param objectId the object created or acted on, 0 for none
 * @param value    the step's value (an address, a size, a count); see {@link #valueKind}
 * @param valueKind what {@code value} is: NONE, ADDRESS, NUMBER, BYTES, INFO, COUNTERS
 * @param before   the MDL just before the step, when the step changes an existing MDL
 * @param after    the MDL just after the step, whenever an MDL exists
 * @param chain    the snapshots of a DescribeChain, in chain order
 * @param data     bytes read, or the raw data of the reply
 * @param extra    INFO's {@link dev.mdlbridge.protocol.Info}, RELEASE_ALL's counters, chain statuses
 */
public record Step(String op, NtStatus status, int stage, int detail, int objectId, long value, ValueKind valueKind,
                   MdlSnapshot before, MdlSnapshot after, List<MdlSnapshot> chain, byte[] data, Object extra) {

    /** What a step's {@link Step#value() value}, {@link Step#data() data} and {@link Step#extra() extra} hold. */
    public enum ValueKind {
        /** No value. */
        NONE,
        /** {@code value} is a virtual address (a mapping, a pool allocation, a user buffer). */
        ADDRESS,
        /** {@code value} is a number (a size, a count). */
        NUMBER,
        /** {@code data} holds bytes read. */
        BYTES,
        /** {@code extra} is the driver's {@link dev.mdlbridge.protocol.Info}. */
        INFO,
        /** {@code extra} holds released counters. */
        COUNTERS,
        /** {@code extra} holds the status of each range of a chain ({@link Step#chainStatuses()}). */
        STATUSES
    }

    /**
     * Whether the step's status is {@code STATUS_SUCCESS}.
     *
     * @return true when it succeeded
     */
    public boolean succeeded() {
        return status.isSuccess();
    }

    /**
     * The MDL just after the step, when one exists.
     *
     * @return the {@link #after()} snapshot, or empty
     */
    public Optional<MdlSnapshot> afterSnapshot() {
        return Optional.ofNullable(after);
    }

    /**
     * The MDL just before the step, when the step changed an existing MDL.
     *
     * @return the {@link #before()} snapshot, or empty
     */
    public Optional<MdlSnapshot> beforeSnapshot() {
        return Optional.ofNullable(before);
    }

    /**
     * Why the step failed, as result documents carry it: the refused rule ("refused: the MDL is already locked ..."),
     * the bad parameter, the limit, or the DDI that failed ("MmProbeAndLockPages failed"). {@link #describeOutcome()}
     * adds what a raised or returned status means.
     *
     * @return the explanation; empty on success
     */
    public String explanation() {
        if (stage == Protocol.STAGE_DONE && !status.isSuccess()) {
            return extra instanceof String why ? why : op + " returned " + status;
        }
        return Explanations.explain(stage, detail);
    }

    /**
     * Why the step failed, in Windows terms, for a reader: a refusal, bad parameter or limit as {@link #explanation()}
     * says it; a DDI that failed or raised with its status by name and value and what that status means
     * ({@code "MmProbeAndLockPages raised STATUS_ACCESS_VIOLATION (0xC0000005): a page of the range is not
     * accessible for this access: ..."}). Unlike {@link #explanation()}, which result documents carry unchanged,
     * this text may grow as {@link Explanations} learns more statuses.
     *
     * @return the explanation; empty when the step succeeded
     */
    public String describeOutcome() {
        if (status.isSuccess()) {
            return "";
        }
        String meaning = Explanations.status(status);
        if (stage == Protocol.STAGE_DDI) {
            if (extra instanceof String why) {
                return why + "; " + status + (meaning.isEmpty() ? "" : ": " + meaning);
            }
            return Explanations.ddiFailure(detail, status);
        }
        if (stage == Protocol.STAGE_DONE && !(extra instanceof String)) {
            return op + " returned " + status + (meaning.isEmpty() ? "" : ": " + meaning);
        }
        return explanation();
    }

    /**
     * The status of every range of a {@code DescribeChain}, in range order: {@code STATUS_SUCCESS} for a range
     * whose MDL was allocated and locked (its snapshot is in {@link #chain()}), else what {@code IoAllocateMdl} or
     * {@code MmProbeAndLockPages} gave it. {@link ChainResult} pairs them with the snapshots.
     *
     * @return the statuses; empty for any other step
     */
    @SuppressWarnings("unchecked")
    public List<NtStatus> chainStatuses() {
        return valueKind == ValueKind.STATUSES && extra instanceof List<?> l ? (List<NtStatus>) l : List.of();
    }

    /**
     * The step as {@code mdl} prints it ({@link StepFormat}): the op, the status in hex and by name, the value
     * (addresses as WinDbg prints them), {@link #describeOutcome() why it failed}, and the MDL before, in the
     * chain and after, with flag names.
     *
     * @return several lines of text
     */
    @Override
    public String toString() {
        return StepFormat.toString(this);
    }

    /**
     * This step, or a {@link DdiException} when it failed.
     *
     * @return this step, when it succeeded
     * @throws DdiException when it did not; its message is {@link #describeOutcome()} with the snapshots
     */
    public Step orThrow() {
        if (!succeeded()) {
            throw new DdiException(this);
        }
        return this;
    }

    Step withSnapshots(MdlSnapshot newBefore, MdlSnapshot newAfter) {
        return new Step(op, status, stage, detail, objectId, value, valueKind, newBefore, newAfter, chain, data, extra);
    }

    /**
     * A request the device failed as a call (the IRP failed, so the driver wrote no reply): an unknown object id
     * ({@code STATUS_NOT_FOUND}), a released handle ({@code STATUS_INVALID_HANDLE}), another process's handle
     * ({@code STATUS_ACCESS_DENIED}). Its status is the call's; the explanation says what the device refused.
     *
     * @param op the step's op
     * @param e  the failed call
     * @return a failed step with no snapshot
     */
    public static Step callFailed(String op, DeviceCallException e) {
        // a failed call whose status the backend could not map back (0) must still read as a failure
        NtStatus st = e.status().isSuccess() ? NtStatus.of(0xC0000001) : e.status();
        return new Step(op, st, Protocol.STAGE_DONE, 0, 0, 0, ValueKind.NONE, null, null, List.of(), new byte[0],
                e.getMessage());
    }

    /**
     * A step that ran no driver code: a user-memory call ({@code VirtualAlloc}, ...), or a usage failure found
     * before the call.
     *
     * @param op     the step's op
     * @param status its status
     * @param value  its value
     * @param kind   what the value is
     * @param data   bytes it read, or null
     * @return the step
     */
    public static Step local(String op, NtStatus status, long value, ValueKind kind, byte[] data) {
        return new Step(op, status, Protocol.STAGE_DONE, 0, 0, value, kind, null, null, List.of(),
                data == null ? new byte[0] : data, null);
    }
}
