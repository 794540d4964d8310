package dev.mdlbridge.protocol;

import java.util.List;
import java.util.Optional;

/**
 * A decoded MDLB_REPLY_HEADER with its snapshots and data.
 *
 * @param status    the NTSTATUS of the operation (not of the IRP, which succeeded)
 * @param stage     where the operation stopped: one of {@code Protocol.STAGE_*}
 * @param detail    the wrong field, rule, limit or DDI ({@code PARAM_*}, {@code REFUSE_*}, {@code LIMIT_*},
 *                  {@code DDI_*}); 0 when done
 * @param objectId  the object created or acted on; 0 for none
 * @param value     what the step returned: an address, {@code MmSizeOfMdl}'s result, a count
 * @param snapshots the MDL snapshots, in the reply's order
 * @param data      the code's own data: bytes read, MDLB_INFO, MDLB_COUNTERS, per-range statuses
 */
public record Reply(NtStatus status, int stage, int detail, int objectId, long value, List<MdlSnapshot> snapshots,
                    byte[] data) {

    /**
     * The first snapshot with this role. A loop: it runs twice on every call (a stream cost a visible share of
     * the one-page describe).
     *
     * @param role one of {@code Protocol.ROLE_*}
     * @return the snapshot, or empty when the reply has none with that role
     */
    public Optional<MdlSnapshot> snapshot(int role) {
        for (MdlSnapshot s : snapshots) {
            if (s.role() == role) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The MDL right after the step.
     *
     * @return the {@link Protocol#ROLE_AFTER} snapshot, or empty
     */
    public Optional<MdlSnapshot> after() {
        return snapshot(Protocol.ROLE_AFTER);
    }

    /**
     * The MDL right before the step (e.g. the locked PFNs before {@code MmUnlockPages}).
     *
     * @return the {@link Protocol#ROLE_BEFORE} snapshot, or empty
     */
    public Optional<MdlSnapshot> before() {
        return snapshot(Protocol.ROLE_BEFORE);
    }
}
