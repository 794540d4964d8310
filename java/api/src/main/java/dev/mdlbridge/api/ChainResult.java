package dev.mdlbridge.api;

import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.SnapshotFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@code DescribeChain} did: every range with its status and, for a range that was described, its MDL as it
 * hung on the IRP's chain ({@code Irp->MdlAddress}, linked through {@code Next}) once the whole chain was built
 * and locked. A range whose {@code IoAllocateMdl} or {@code MmProbeAndLockPages} failed was detached from the chain
 * and freed at once, so it has a status and no MDL.
 *
 * @param step   the step itself: its status is the request's, {@link Step#chain()} the chain's snapshots
 * @param ranges the ranges, in request order
 */
public record ChainResult(Step step, List<Range> ranges) {

    /**
     * One range of the chain.
     *
     * @param range  what was asked for
     * @param status what the range got: {@code STATUS_SUCCESS} when its MDL was allocated and locked, else the
     *               status {@code IoAllocateMdl} returned or {@code MmProbeAndLockPages} raised
     * @param mdl    the range's MDL after the whole chain was built and locked ({@code MDL_PAGES_LOCKED}, its
     *               {@code Next} pointing at the next range's MDL), or null when the range failed
     */
    public record Range(ChainRange range, NtStatus status, MdlSnapshot mdl) {

        /**
         * Whether the range was described (allocated and locked).
         *
         * @return true when {@link #status()} is {@code STATUS_SUCCESS}
         */
        public boolean succeeded() {
            return status.isSuccess();
        }

        /**
         * The range's MDL, when it was described.
         *
         * @return the snapshot, or empty for a range that failed
         */
        public Optional<MdlSnapshot> snapshot() {
            return Optional.ofNullable(mdl);
        }

        /**
         * The range as {@code mdl} would print it.
         *
         * @return the range, its status by name and value, and its MDL's summary line
         */
        @Override
        public String toString() {
            return String.format("%s +%s %s: %s%s", SnapshotFormat.debuggerAddress(range.address()),
                    SnapshotFormat.hex(Integer.toUnsignedLong(range.length())), range.operation().ddiName(), status,
                    mdl == null ? "" : ", " + SnapshotFormat.summary(mdl));
        }
    }

    /**
     * A chain result; the ranges are copied.
     *
     * @param step   the DescribeChain step
     * @param ranges the ranges, in request order
     */
    public ChainResult {
        ranges = List.copyOf(ranges);
    }

    /**
     * Pairs the request's ranges with the step's per-range statuses and chain snapshots (the n-th described range
     * has the n-th snapshot: the driver snapshots the chain in range order, and failed ranges are not on it).
     *
     * @param step      a {@code DescribeChain} step
     * @param requested the ranges that were asked for, in order
     * @return the result
     */
    static ChainResult of(Step step, List<ChainRange> requested) {
        List<NtStatus> statuses = step.chainStatuses();
        List<MdlSnapshot> chain = step.chain();
        List<Range> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < requested.size(); i++) {
            NtStatus st = i < statuses.size() ? statuses.get(i) : step.status();
            MdlSnapshot m = st.isSuccess() && next < chain.size() ? chain.get(next++) : null;
            out.add(new Range(requested.get(i), st, m));
        }
        return new ChainResult(step, out);
    }

    /**
     * Whether the request succeeded and every range was described.
     *
     * @return true when the step and each range succeeded
     */
    public boolean allSucceeded() {
        return step.succeeded() && ranges.stream().allMatch(Range::succeeded);
    }

    /**
     * The per-range statuses, in range order.
     *
     * @return one status per range
     */
    public List<NtStatus> statuses() {
        return ranges.stream().map(Range::status).toList();
    }

    /**
     * The MDLs of the chain, in chain order (the described ranges only).
     *
     * @return the snapshots; the same as {@code step().chain()}
     */
    public List<MdlSnapshot> mdls() {
        return step.chain();
    }

    /**
     * The chain as {@code mdl} prints it: the step, then every range.
     *
     * @return several lines of text
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(StepFormat.headline(step));
        String why = step.describeOutcome();
        if (!why.isEmpty()) {
            sb.append(System.lineSeparator()).append(StepFormat.INDENT).append(why);
        }
        for (int i = 0; i < ranges.size(); i++) {
            sb.append(System.lineSeparator()).append(StepFormat.INDENT).append("range ").append(i).append(": ")
                    .append(ranges.get(i));
        }
        return sb.toString();
    }
}
